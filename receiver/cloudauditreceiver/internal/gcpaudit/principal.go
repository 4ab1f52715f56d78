package gcpaudit

import (
	"bytes"

	"github.com/cloudwarden/cloudwarden/internal/schema"
)

// principalType classifies authenticationInfo.principalEmail / principalSubject.
//
//   - principal:// and principalSet:// identifiers are workforce or workload identity
//     federation (the caller signed in with an external IdP).
//   - Google-managed service agents (service-<project number>@…, <number>@cloudservices…,
//     …@system.gserviceaccount.com, gcp-sa-* domains) and system@google.com act on
//     Google's behalf: "service".
//   - Any other …gserviceaccount.com address is a customer service account.
//   - GKE principals: system:serviceaccount:<ns>:<name> is a workload identity,
//     other system: names are cluster components.
//   - Anything else with an '@' is a user (Google account or Cloud Identity user).
//
// IAM v2 identifiers name Google accounts (principal://goog/subject/<email>) and
// service accounts (principal://iam.googleapis.com/projects/-/serviceAccounts/<email>)
// too; those are not federated.
func principalType(p []byte) string {
	switch {
	case len(p) == 0:
		return ""
	case bytes.HasPrefix(p, []byte("principal://goog/subject/")):
		// IAM v2 identifier of a Google account (Workspace / Cloud Identity user).
		return schema.PrincipalUser
	case bytes.HasPrefix(p, []byte(saIdentifier)):
		// IAM v2 identifier of a service account: classify its email.
		p = p[len(saIdentifier):]
	case bytes.HasPrefix(p, []byte("principal://")), bytes.HasPrefix(p, []byte("principalSet://")):
		return schema.PrincipalFederated
	case bytes.HasPrefix(p, []byte("system:serviceaccount:")):
		return schema.PrincipalServiceAccount
	case bytes.HasPrefix(p, []byte("system:anonymous")):
		return ""
	case bytes.HasPrefix(p, []byte("system:")):
		return schema.PrincipalService
	case bytes.HasPrefix(p, []byte("serviceAccount:")):
		p = p[len("serviceAccount:"):]
	case bytes.HasPrefix(p, []byte("user:")):
		return schema.PrincipalUser
	}
	at := bytes.LastIndexByte(p, '@')
	if at < 0 {
		return ""
	}
	local, domain := p[:at], p[at+1:]
	if bytes.Equal(p, []byte("system@google.com")) {
		// Google's own systems in system_event entries (maintenance, preemption).
		return schema.PrincipalService
	}
	if !bytes.HasSuffix(domain, []byte("gserviceaccount.com")) {
		return schema.PrincipalUser
	}
	if isServiceAgent(local, domain) {
		return schema.PrincipalService
	}
	return schema.PrincipalServiceAccount
}

// isServiceAgent recognises Google-managed service agents by their documented address
// forms. A customer account cannot be named service-<digits>@<project>.iam… because
// account ids must start with a letter and service agents live in Google's domains.
// saIdentifier prefixes the IAM v2 identifier of a service account.
const saIdentifier = "principal://iam.googleapis.com/projects/-/serviceAccounts/"

func isServiceAgent(local, domain []byte) bool {
	switch {
	case bytes.Equal(domain, []byte("cloudservices.gserviceaccount.com")),
		bytes.Equal(domain, []byte("system.gserviceaccount.com")),
		bytes.HasPrefix(domain, []byte("gcp-sa-")):
		return true
	case bytes.HasPrefix(local, []byte("service-")):
		// Project-, organization- and folder-level service agents:
		// service-<project number>@, service-org-<org id>@, service-folder-<folder id>@.
		id := local[len("service-"):]
		if bytes.HasPrefix(id, []byte("org-")) {
			id = id[len("org-"):]
		} else if bytes.HasPrefix(id, []byte("folder-")) {
			id = id[len("folder-"):]
		}
		return allDigits(id)
	}
	return false
}

func allDigits(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
