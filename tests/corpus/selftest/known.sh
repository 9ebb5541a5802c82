DESCRIPTION="self-test: the denial of other_file, registered as known"
source "$(dirname "${BASH_SOURCE[0]}")/other_file.sh"
KNOWN_FAILURE="F0 self-test"
KNOWN_DENIAL='b\.txt: Permission denied'
