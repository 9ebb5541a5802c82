DESCRIPTION="git switch in an existing repository: recorded switching to a branch that adds a file, enforced switching back (the work-tree file is deleted)"
source "$(dirname "${BASH_SOURCE[0]}")/../gitconfig.sh"
prepare() {
  write_gitconfig
  git init -q repo && cd repo || return
  printf 'int main(void) { return 0; }\n' >main.c
  printf '# project\n' >README.md
  git add . && git commit -qm "initial"
  git switch -qc feature
  printf 'void feature(void) {}\n' >feature.c
  git add feature.c && git commit -qm "feature"
  git switch -q main
  cd ..
}
record_job() { RECORD=(git -C repo switch feature); }
enforce_job() { ENFORCE=(git -C repo switch main); }
state() { ls repo; git -C repo status --short --branch; }
