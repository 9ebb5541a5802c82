DESCRIPTION="busybox httpd: a web server recorded serving one page, enforced serving pages (in a subdirectory too) not fetched during recording"
SERVER=1
prepare() {
  mkdir -p www/docs
  printf '<h1>home</h1>\n' >www/index.html
  printf '<h1>about</h1>\n' >www/about.html
  printf '<h1>guide</h1>\n' >www/docs/guide.html
}
record_job() { RECORD=(busybox httpd -f -p "127.0.0.1:$PORT" -h www); }
enforce_job() { ENFORCE=(busybox httpd -f -p "127.0.0.1:$PORT" -h www); }
ready() { curl -s -o /dev/null "http://127.0.0.1:$PORT/healthz"; }
record_client() { curl -fsS "http://127.0.0.1:$PORT/index.html"; }
enforce_client() {
  curl -fsS "http://127.0.0.1:$PORT/about.html" && curl -fsS "http://127.0.0.1:$PORT/docs/guide.html" &&
    curl -sS -o /dev/null -w '%{http_code}\n' "http://127.0.0.1:$PORT/missing.html"
}
