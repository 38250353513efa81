#!/bin/sh
# Prints "VERSION REVISION" of the checkout the way the go command stamps a
# build from a git clone: VERSION is the exact semver tag or a pseudo-version
# (v0.0.0-20261128152304-8b528be5ea65), REVISION the full commit; both end in
# +dirty when the tree has changes. Used for builds where the go command
# cannot read .git itself (the container image, a git worktree).
# Prints nothing outside a git checkout.
set -eu
rev=$(git rev-parse HEAD 2>/dev/null) || exit 0
dirty=""
if [ -n "$(git status --porcelain 2>/dev/null)" ]; then
	dirty="+dirty"
fi
version=$(git describe --tags --exact-match --match 'v[0-9]*' 2>/dev/null || true)
if [ -z "$version" ]; then
	stamp=$(TZ=UTC git log -1 --format=%cd --date=format-local:%Y%m%d%H%M%S)
	version="v0.0.0-$stamp-$(printf '%.12s' "$rev")"
fi
echo "$version$dirty $rev$dirty"
