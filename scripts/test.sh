#!/usr/bin/env bash
# Runs every test: builds the solution, packs mostlylucid.llmbackend into artifacts/packages, builds the samples against
# that package (the plugin guide's flow) and runs their tests, then runs the main test suite. Ends with one line
# "N passed, M failed" totalled over every test project. Exit code 0 only when everything built and passed.
set -uo pipefail
cd "$(dirname "$0")/.."

configuration="${CONFIGURATION:-Release}"
results="artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"
status=0

step() { printf '\n==> %s\n' "$*"; }

step "Prerequisites (Node 20+ and the npm test packages)"
if ! bash scripts/install-prerequisites.sh; then
  echo "Prerequisites could not be installed; see above."
  echo "0 passed, 1 failed"
  exit 1
fi

step "Sample plugins: build the AssemblyScript and C providers from source (Wasm and native)"
if ! bash samples/wasm/build.sh; then
  echo "The sample plugins did not build; the plugin tests will fail."
  status=1
fi

step "Build (solution, $configuration)"
if ! dotnet build LlmBackend.slnx -c "$configuration" -nologo; then
  echo "Build failed; no tests were run."
  echo "0 passed, 1 failed"
  exit 1
fi

step "Pack mostlylucid.llmbackend into artifacts/packages"
rm -f artifacts/packages/mostlylucid.llmbackend.*.nupkg
if ! dotnet pack src/Mostlyucid.LlmBackend -c "$configuration" --no-build -nologo -o artifacts/packages; then
  echo "Pack failed."
  echo "0 passed, 1 failed"
  exit 1
fi

step "The llmb tool: pack it, install it from that local feed into a temporary tool path, run it"
tool_dir="$(mktemp -d -t llmb-tool-XXXXXX)"
if dotnet pack src/Mostlyucid.LlmBackend.Cli -c "$configuration" --no-build -nologo -o "$tool_dir/feed" \
  && dotnet tool install mostlylucid.llmbackend.cli --tool-path "$tool_dir/tools" --add-source "$tool_dir/feed" \
  && answer="$(env -u OPENAI_API_KEY -u ANTHROPIC_API_KEY -u LLMB_URL "$tool_dir/tools/llmb" ask --json "hello from the installed tool")" \
  && echo "$answer" && echo "$answer" | grep -q '"backend":"Mock"' \
  && "$tool_dir/tools/llmb" key new --json >/dev/null; then
  echo "The packed llmb installs and answers."
else
  echo "The packed llmb did not install or did not answer."
  status=1
fi
rm -rf "$tool_dir"

step "Samples: build the guide's plugin against the packed package and run the guide's unit tests"
# The samples restore the package into their own folder; drop the old copy so this build's package is used.
rm -rf samples/PluginGuide/.packages/mostlylucid.llmbackend
dotnet test samples/PluginGuide/PluginGuide.slnx -c "$configuration" -nologo \
  --logger "trx;LogFilePrefix=samples" --results-directory "$results" || status=1

step "PostgreSQL on 127.0.0.1 (a throwaway cluster for the shared usage-ledger tests, stopped at the end)"
if [ -z "${LLMB_TEST_POSTGRES:-}" ]; then
  pg_dir="$(mktemp -d -t llmb-pg-XXXXXX)"
  chmod 755 "$pg_dir"
  if LLMB_TEST_POSTGRES="$(bash scripts/postgres.sh start "$pg_dir")"; then
    export LLMB_TEST_POSTGRES
    trap 'bash scripts/postgres.sh stop "$pg_dir" || true' EXIT
    echo "PostgreSQL is up: $LLMB_TEST_POSTGRES"
  else
    echo "PostgreSQL did not start; the PostgreSQL tests will fail."
    rm -rf "$pg_dir"
    status=1
  fi
fi

step "Main test suite"
# One test assembly at a time (-m:1): the suites start real servers and load tests, and on two cores running
# them side by side turns timing tests into tests of the machine's load.
dotnet test LlmBackend.slnx -c "$configuration" --no-build -nologo -m:1 \
  --logger "trx;LogFilePrefix=main" --results-directory "$results" || status=1

step "Summary"
bash scripts/summarize-test-results.sh "$results" || status=1
exit $status
