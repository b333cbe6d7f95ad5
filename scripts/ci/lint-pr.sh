#!/usr/bin/env bash
# The GitHub Action's work (action.yml), as a script that runs anywhere: lint the migrations a
# pull request adds, print GitHub annotations for them, and post (or update) one markdown comment
# on the pull request. Exit status: lockstep lint's (0 nothing at or above fail-on, 1 findings at
# or above it, 2 a migration that does not parse), or 2 for a bad setting. See docs/ci.md.
#
# Settings, from the environment (action.yml maps its inputs onto them):
#   LOCKSTEP_BIN          the lockstep binary (default: lockstep on PATH)
#   LOCKSTEP_MIGRATIONS   the migrations directory (default: prisma/migrations)
#   LOCKSTEP_BASE_REF     what the pull request is compared with (default: origin/$GITHUB_BASE_REF)
#   LOCKSTEP_FAIL_ON      error (default), warning, hint or none
#   LOCKSTEP_PR_NUMBER    the pull request to comment on; without it, or without GITHUB_REPOSITORY,
#                         no comment is posted (the comment is still printed to the log)
#   GH_TOKEN / GITHUB_TOKEN  used by `gh api` to post the comment; never printed
#   GITHUB_STEP_SUMMARY   when set, the comment is appended to the job summary too
set -uo pipefail

bin=${LOCKSTEP_BIN:-lockstep}
migrations=${LOCKSTEP_MIGRATIONS:-prisma/migrations}
migrations=${migrations%/}
fail_on=${LOCKSTEP_FAIL_ON:-error}
base=${LOCKSTEP_BASE_REF:-}
if [[ -z $base && -n ${GITHUB_BASE_REF:-} ]]; then base=origin/$GITHUB_BASE_REF; fi
marker='<!-- lockstep -->'

die() { echo "lint-pr: $*" >&2; exit 2; }
case $fail_on in error | warning | hint | none) ;; *) die "fail-on is error, warning, hint or none, not '$fail_on'" ;; esac
[[ -n $base ]] || die "no base ref: set LOCKSTEP_BASE_REF (the action's base-ref input) or run on a pull_request event"
git rev-parse --verify --quiet "$base^{commit}" >/dev/null ||
  die "base ref '$base' is not in this clone (check out with fetch-depth: 0, or fetch it first)"
command -v "$bin" >/dev/null 2>&1 || die "lockstep not found: '$bin'"

# The folders of the migration.sql files added since the merge base (renamed or modified
# migrations are not new: deploy would not run them again).
folders=()
while IFS= read -r -d '' f; do
  folders+=("$(dirname "$f")")
done < <(git diff --name-only -z --diff-filter=A "$base...HEAD" -- "$migrations/**/migration.sql")

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
comment=$work/comment.md

if ((${#folders[@]} == 0)); then
  echo "lint-pr: no migration added under $migrations since $base"
  status=0
  # shellcheck disable=SC2016 # the backticks are markdown
  printf '%s\n### lockstep lint: no migration added\n\nThis pull request adds no migration under `%s`.\n' \
    "$marker" "$migrations" >"$comment"
else
  echo "lint-pr: linting ${#folders[@]} added migration(s): ${folders[*]}"
  # Annotations on the diff: the runner reads workflow commands from the log. --all: lint what
  # the pull request adds even when the environment names a database.
  "$bin" lint --all --format github --fail-on "$fail_on" "${folders[@]}"
  status=$?
  "$bin" lint --all --format markdown --fail-on "$fail_on" "${folders[@]}" >"$comment"
  md=$?
  ((md == status)) || die "lockstep lint --format markdown exited $md, --format github $status"
fi
cat "$comment"
if [[ -n ${GITHUB_STEP_SUMMARY:-} ]]; then cat "$comment" >>"$GITHUB_STEP_SUMMARY"; fi

if [[ -n ${LOCKSTEP_PR_NUMBER:-} && -n ${GITHUB_REPOSITORY:-} ]]; then
  export GH_TOKEN=${GH_TOKEN:-${GITHUB_TOKEN:-}}
  issue=repos/$GITHUB_REPOSITORY/issues/$LOCKSTEP_PR_NUMBER
  # Our own earlier comment, found by its marker, is updated in place.
  existing=$(gh api --paginate "$issue/comments" \
    --jq ".[] | select(.body | startswith(\"$marker\")) | .id" | head -n 1) ||
    die "cannot list the comments of $issue"
  if [[ -n $existing ]]; then
    # Also when nothing is added any more: a stale comment would still show old findings.
    gh api --silent -X PATCH "repos/$GITHUB_REPOSITORY/issues/comments/$existing" -F "body=@$comment" ||
      die "cannot update comment $existing"
    echo "lint-pr: updated comment $existing on #$LOCKSTEP_PR_NUMBER"
  elif ((${#folders[@]} == 0)); then
    echo "lint-pr: no comment (nothing to lint, no earlier comment)"
  else
    gh api --silent -X POST "$issue/comments" -F "body=@$comment" || die "cannot comment on #$LOCKSTEP_PR_NUMBER"
    echo "lint-pr: commented on #$LOCKSTEP_PR_NUMBER"
  fi
fi
exit "$status"
