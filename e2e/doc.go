// Package e2e holds the end-to-end tests of the built otelcol-cloudwarden distribution:
// the smoke test (decode + detect + export) and the restart tests (checkpoints in
// file_storage across graceful stops, SIGKILL and stops during an export). It runs only with `-tags e2e` and OTELCOL_BIN set (make e2e).
package e2e
