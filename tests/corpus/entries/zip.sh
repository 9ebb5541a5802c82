DESCRIPTION="zip: archive a site directory; enforced archiving other directories and a file into another archive"
prepare() {
  mkdir -p site/css docs/api
  printf '<h1>home</h1>\n' >site/index.html
  printf 'body { color: #222; }\n' >site/css/main.css
  printf '# guide\n' >docs/guide.md
  printf '# endpoints\n' >docs/api/endpoints.md
  printf 'release notes\n' >notes.txt
}
record_job() { RECORD=(zip -q -r site-1.zip site); }
enforce_job() { ENFORCE=(zip -q -r docs.zip docs notes.txt); }
state() { ls; unzip -Z1 docs.zip | sort; unzip -p docs.zip docs/api/endpoints.md; }
