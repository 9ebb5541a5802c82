DESCRIPTION="git init: a new repository in a fresh directory; enforced on another new directory"
source "$(dirname "${BASH_SOURCE[0]}")/../gitconfig.sh"
prepare() { write_gitconfig; }
record_job() { RECORD=(git init alpha); }
enforce_job() { ENFORCE=(git init beta); }
state() { find beta -path beta/.git/objects -prune -o -print | sort; }
