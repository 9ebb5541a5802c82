DESCRIPTION="self-test: the enforced job outlives the time limit"
prepare() { :; }
record_job() { RECORD=(sleep 0); }
enforce_job() { ENFORCE=(sleep 30); }
