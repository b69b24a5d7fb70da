#!/usr/bin/env bash
# Installs what the build and tests need beyond the .NET SDK. Today that is nothing: the library, the samples and the
# tests restore from NuGet. Later steps (Node for Wasm plugins, wrk for the load harness, PostgreSQL for stores) add their
# installs here so a fresh machine gets them.
set -euo pipefail
dotnet --version >/dev/null
