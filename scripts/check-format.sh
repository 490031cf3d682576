#!/usr/bin/env bash
# Fails when a C++ file of the repository does not follow .clang-format; prints the files to fix.
# Fix them with: git ls-files '*.cpp' '*.h' | xargs clang-format -i
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if ! command -v clang-format >/dev/null 2>&1; then
    echo "check-format: clang-format is not installed (scripts/setup-debian.sh installs it)" >&2
    exit 1
fi
bad=()
while IFS= read -r file; do
    [ -f "$file" ] || continue
    if ! clang-format --dry-run -Werror "$file" >/dev/null 2>&1; then
        bad+=("$file")
    fi
done < <(git ls-files '*.cpp' '*.h' 2>/dev/null || find core sim tests bench app services models ui -name '*.cpp' -o -name '*.h' 2>/dev/null)
if [ ${#bad[@]} -gt 0 ]; then
    echo "check-format: these files do not follow .clang-format:" >&2
    printf '  %s\n' "${bad[@]}" >&2
    exit 1
fi
echo "check-format: every file follows .clang-format"
