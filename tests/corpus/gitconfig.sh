# Shared by the git entries: the identity and defaults a user's ~/.gitconfig has.
write_gitconfig() {
  cat >"$HOME/.gitconfig" <<'CFG'
[user]
	name = Corpus User
	email = corpus@example.invalid
[init]
	defaultBranch = main
[advice]
	detachedHead = false
CFG
}
