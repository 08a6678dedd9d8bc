#!/bin/bash
# check_symbols.sh MODULE CORE_ARCHIVE: pam_dockwarden.so exports exactly the
# pam_sm_* entry points, and our own code keeps no mutable global state (no
# writable data symbols: .data/.bss, d/D/b/B in nm) in the objects of the
# module (the archive holds exactly the module's own object files).
set -euo pipefail
module=$1
core=$2
rc=0

exports=$(nm -D --defined-only "$module" | awk '{print $3}' | sort)
want=$(printf '%s\n' pam_sm_acct_mgmt pam_sm_authenticate pam_sm_chauthtok \
	pam_sm_close_session pam_sm_open_session pam_sm_setcred | sort)
if [ "$exports" != "$want" ]; then
	echo "FAIL: exported symbols differ from the pam_sm_* set:" >&2
	diff <(echo "$want") <(echo "$exports") >&2 || true
	rc=1
else
	echo "ok exports: $(echo $exports)"
fi

# Writable data defined by our objects ("static" ones too: lower-case d/b).
writable=$(nm --defined-only "$core" | awk 'NF == 3 && $2 ~ /^[dDbB]$/ {print $3}' | sort -u)
if [ -n "$writable" ]; then
	echo "FAIL: mutable global/static data in the module's objects:" >&2
	echo "$writable" >&2
	rc=1
else
	echo "ok no writable data symbols in $(basename "$core")"
fi

# The module must load without unresolved symbols of its own (-z defs at
# link time already; here also check the textrel/execstack hardening).
if readelf -d "$module" | grep -q TEXTREL; then
	echo "FAIL: text relocations" >&2
	rc=1
fi
if readelf -lW "$module" | grep GNU_STACK | grep -q RWE; then
	echo "FAIL: executable stack" >&2
	rc=1
fi
exit $rc
