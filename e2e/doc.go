// Package e2e holds the end-to-end smoke test of the built otelcol-cloudwarden
// distribution. It runs only with `-tags e2e` and OTELCOL_BIN set (make e2e).
package e2e
