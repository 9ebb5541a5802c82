DESCRIPTION="perl: a report script reading a CSV and writing a summary; enforced on another year's files"
INTERPRETED=1
prepare() {
  cat >report.pl <<'PL'
use strict;
use warnings;
my ($in, $out) = @ARGV;
open(my $fh, '<', $in) or die "cannot read $in: $!\n";
my %total;
while (my $line = <$fh>) {
  chomp $line;
  next if $line =~ /^region,/;
  my ($region, $amount) = split /,/, $line;
  $total{$region} += $amount;
}
close $fh;
open(my $oh, '>', $out) or die "cannot write $out: $!\n";
printf $oh "%s %d\n", $_, $total{$_} for sort keys %total;
close $oh;
print scalar(keys %total), " regions\n";
PL
  printf 'region,amount\nnorth,10\nsouth,20\nnorth,5\n' >sales-2023.csv
  mkdir -p 2024 && printf 'region,amount\neast,7\nwest,3\neast,1\nnorth,2\n' >2024/sales.csv
}
record_job() { RECORD=(perl report.pl sales-2023.csv summary-2023.txt); }
enforce_job() { ENFORCE=(perl report.pl 2024/sales.csv 2024/summary.txt); }
state() { cat 2024/summary.txt; }
