DESCRIPTION="self-test: the unconfined reference fails: the entry is broken, never a pass"
prepare() { :; }
record_job() { RECORD=(cat missing.txt); }
enforce_job() { ENFORCE=(cat missing.txt); }
