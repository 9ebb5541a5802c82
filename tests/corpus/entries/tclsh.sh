DESCRIPTION="tclsh: a word-count script reading a text and writing a table; enforced on another text in another directory"
INTERPRETED=1
prepare() {
  cat >wc.tcl <<'TCL'
lassign $argv in out
set f [open $in r]
set text [read $f]
close $f
foreach w [regexp -all -inline {[a-z]+} [string tolower $text]] { dict incr count $w }
set o [open $out w]
foreach w [lsort [dict keys $count]] { puts $o "$w [dict get $count $w]" }
close $o
puts "[dict size $count] words"
TCL
  printf 'the cat sat on the mat\n' >a.txt
  mkdir -p texts && printf 'A dog. The dog ran; the cat did not.\n' >texts/b.txt
}
record_job() { RECORD=(tclsh wc.tcl a.txt a.counts); }
enforce_job() { ENFORCE=(tclsh wc.tcl texts/b.txt texts/b.counts); }
state() { cat texts/b.counts; }
