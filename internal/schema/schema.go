// Package schema is the normalised audit-event schema that the cloudaudit receiver
// writes and the clouddetect processor reads. It is the one place where attribute
// names and enumerated values are defined, so the two components cannot drift apart.
//
// Names follow OpenTelemetry semantic conventions where one exists (rpc.*, user.*,
// source.address, error.type, user_agent.original, cloud.*, autoscaler.*); the
// cloud.audit.*, cloud.network_rule.* and cloud.scaling.* names are ours (SPEC §2).
package schema

// EventName is set in the LogRecord's EventName field of every audit record.
const EventName = "cloud.audit"

// Resource attributes.
const (
	AttrCloudProvider  = "cloud.provider"
	AttrCloudAccountID = "cloud.account.id"
	AttrCloudRegion    = "cloud.region"
	AttrK8sNamespace   = "k8s.namespace.name"
	AttrK8sCluster     = "k8s.cluster.name"
	AttrServiceName    = "service.name"
)

// Cloud provider values (semantic conventions cloud.provider).
const (
	ProviderAWS   = "aws"
	ProviderGCP   = "gcp"
	ProviderAzure = "azure"
)

// Normalised record attributes: the same names for every cloud.
const (
	AttrRPCService     = "rpc.service"
	AttrRPCMethod      = "rpc.method"
	AttrResourceID     = "cloud.resource_id"
	AttrEventID        = "cloud.audit.event_id"
	AttrOutcome        = "cloud.audit.outcome"
	AttrErrorType      = "error.type"
	AttrUserID         = "user.id"
	AttrPrincipalType  = "cloud.audit.principal.type"
	AttrCredentialType = "cloud.audit.credential.type"
	AttrMFA            = "cloud.audit.mfa"
	AttrSourceAddress  = "source.address"
	AttrUserAgent      = "user_agent.original"
	// AttrAccessKeyID carries the AWS access key id (AKIA… long-term, ASIA… temporary)
	// so identity risk can be explained in a detection reason.
	AttrAccessKeyID = "cloud.audit.access_key_id"
	// AttrRoles carries role evidence for the caller where the cloud reports it, as a
	// list of strings (Azure authorization.evidence.role, e.g. ["Owner"]).
	AttrRoles = "cloud.audit.principal.roles"
	// AttrOperationID groups the several records one change produces (GCP operation.id,
	// Azure correlationId) so detectors count the change once.
	AttrOperationID = "cloud.audit.operation.id"
	// AttrOperationStage is StageFirst, StageAccepted or StageLast (GCP
	// operation.first/last, Azure Start/Accept/Success) for the same purpose.
	AttrOperationStage = "cloud.audit.operation.stage"
)

// Operation stages.
const (
	StageFirst    = "first"
	StageAccepted = "accepted"
	StageLast     = "last"
)

// Outcome values.
const (
	OutcomeSuccess = "success"
	OutcomeFailure = "failure"
)

// Principal types.
const (
	PrincipalRoot           = "root"
	PrincipalUser           = "user"
	PrincipalRole           = "role"
	PrincipalService        = "service"
	PrincipalServiceAccount = "service_account"
	PrincipalFederated      = "federated"
)

// Credential types.
const (
	CredentialLongTermKey       = "long_term_key"
	CredentialTemporary         = "temporary"
	CredentialConsole           = "console"
	CredentialServiceAccountKey = "service_account_key"
	CredentialToken             = "token"
)

// Network-rule changes.
const (
	AttrRuleChange = "cloud.network_rule.change"
	AttrRules      = "cloud.network_rule.rules"

	ChangeAdd    = "add"
	ChangeModify = "modify"
	ChangeRemove = "remove"
)

// Keys of each map in cloud.network_rule.rules.
const (
	RuleDirection    = "direction"    // DirectionIngress | DirectionEgress | "" (unknown, e.g. ModifySecurityGroupRules)
	RuleAction       = "action"       // ActionAllow | ActionDeny
	RuleProtocol     = "protocol"     // "tcp", "udp", "icmp", "icmpv6", "all", or an IANA number as text
	RulePortRanges   = "port_ranges"  // list of "N" or "N-M"; ["0-65535"] for all ports; [] where the protocol has no ports
	RuleSources      = "sources"      // list: CIDRs, service tags ("Internet", "AzureCloud"), "*", sg-/pl- ids
	RuleDestinations = "destinations" // list, same forms as sources
	RulePriority     = "priority"     // int, where the cloud has one
	RuleID           = "rule_id"      // cloud's id or name of the rule, where known
	RuleDisabled     = "disabled"     // bool, only where the cloud can disable a rule (GCP)
	RuleDescription  = "description"  // free text, where given
)

// Rule enumerations.
const (
	DirectionIngress = "ingress"
	DirectionEgress  = "egress"
	ActionAllow      = "allow"
	ActionDeny       = "deny"
	ProtocolAll      = "all"
	AllPorts         = "0-65535"
)

// Scaling actions (autoscaler.* are semantic conventions; cloud.scaling.* are ours).
const (
	AttrScalingGroupName = "autoscaler.group.name"
	AttrScalingGroupKind = "autoscaler.group.kind" // ScalingKindVM | ScalingKindContainer | ScalingKindApp
	AttrScalingDirection = "cloud.scaling.direction"
	AttrScalingOldSize   = "cloud.scaling.old_size"
	AttrScalingNewSize   = "cloud.scaling.new_size"
	AttrScalingMaxSize   = "cloud.scaling.max_size"
	AttrScalingAtMax     = "cloud.scaling.at_max"

	ScalingKindVM        = "vm"
	ScalingKindContainer = "container"
	ScalingKindApp       = "app"
	ScalingOut           = "out"
	ScalingIn            = "in"
)

// Availability signals read by the processor.
const (
	AttrHTTPStatusCode = "http.response.status_code"
	AttrHTTPRoute      = "http.route"
)
