DESCRIPTION="self-test: cat reads a file the recording did not: a denial"
prepare() { printf 'one\n' >a.txt; printf 'two\n' >b.txt; }
record_job() { RECORD=(cat a.txt); }
enforce_job() { ENFORCE=(cat b.txt); }
