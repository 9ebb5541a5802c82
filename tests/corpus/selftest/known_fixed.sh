DESCRIPTION="self-test: an entry registered as failing that passes"
source "$(dirname "${BASH_SOURCE[0]}")/same_file.sh"
KNOWN_FAILURE="F0 self-test"
KNOWN_DENIAL='anything'
