DESCRIPTION="busybox httpd: the same server recorded with one document root, enforced with another (-h chdirs there)"
SERVER=1
prepare() {
  mkdir -p staging production
  printf '<h1>staging</h1>\n' >staging/index.html
  printf '<h1>production</h1>\n' >production/index.html
}
record_job() { RECORD=(busybox httpd -f -p "127.0.0.1:$PORT" -h staging); }
enforce_job() { ENFORCE=(busybox httpd -f -p "127.0.0.1:$PORT" -h production); }
ready() { curl -s -o /dev/null "http://127.0.0.1:$PORT/healthz"; }
record_client() { curl -fsS "http://127.0.0.1:$PORT/"; }
enforce_client() { curl -fsS "http://127.0.0.1:$PORT/"; }
