DESCRIPTION="sed -i: edit one file in place; enforced editing two other files in another directory"
prepare() {
  mkdir -p config notes
  printf 'url=http://example.invalid/\nmirror=http://mirror.invalid/\n' >config/site.conf
  printf 'TODO write intro\nkeep\n' >notes/a.txt
  printf 'keep\nTODO add index\n' >notes/b.txt
}
record_job() { RECORD=(sed -i 's|http:|https:|g' config/site.conf); }
enforce_job() { ENFORCE=(sed -i -e 's/TODO/DONE/' notes/a.txt notes/b.txt); }
state() { ls config notes; cat config/site.conf notes/a.txt notes/b.txt; }
