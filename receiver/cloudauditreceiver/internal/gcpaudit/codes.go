package gcpaudit

import "strconv"

// codeNames are the google.rpc.Code names, indexed by code.
var codeNames = [...]string{
	"OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
	"ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
	"ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS",
	"UNAUTHENTICATED",
}

// codeName maps a google.rpc.Code to its name; unknown codes keep their number.
func codeName(code int64) string {
	if code >= 0 && code < int64(len(codeNames)) {
		return codeNames[code]
	}
	return strconv.FormatInt(code, 10)
}
