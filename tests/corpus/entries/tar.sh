DESCRIPTION="tar: back up a directory; enforced on the next backup, after the directory gained a symbolic link"
prepare() {
  mkdir -p site/css && printf '<p>hi</p>\n' >site/index.html && printf 'p{}\n' >site/css/main.css
}
record_job() { RECORD=(tar -czf backup-1.tar.gz site); }
between() { ln -s index.html site/home.html; }
enforce_job() { ENFORCE=(tar -czf backup-2.tar.gz site); }
state() { tar -tvzf backup-2.tar.gz | awk '{print $1, $6, $7, $8}' | sort; }
