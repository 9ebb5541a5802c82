DESCRIPTION="self-test: cat reads the same file, whose content changed since the recording: passes"
prepare() { printf 'one\n' >notes.txt; }
record_job() { RECORD=(cat notes.txt); }
between() { printf 'two\n' >notes.txt; }
enforce_job() { ENFORCE=(cat notes.txt); }
