DESCRIPTION="self-test: cat reads a file outside the directory it was started in, which the recording did not read: a denial"
# ../b.txt is beside the work directory, so no data tree reaches it.
prepare() { printf 'one\n' >a.txt; printf 'two\n' >../b.txt; }
record_job() { RECORD=(cat a.txt); }
enforce_job() { ENFORCE=(cat ../b.txt); }
