package exposure

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/schedule"
)

// Config configures the exposure detector.
type Config struct {
	Enabled bool `mapstructure:"enabled"`
	// HighRiskPorts are ports ("N" or "N-M") whose exposure is worse than an ordinary
	// port. The default is the union documented in docs/detections/exposure.md.
	HighRiskPorts []string `mapstructure:"high_risk_ports"`
	// ExpectedPorts are ports that are normally open to the internet (web); a world
	// source to only these ports is informational.
	ExpectedPorts []string `mapstructure:"expected_ports"`
	// BroadPublicPrefix is the longest IPv4 prefix length still treated as a broad public
	// range (weighted by size); longer prefixes are specific addresses, not exposure.
	// IPv6 uses twice this length.
	BroadPublicPrefix int `mapstructure:"broad_public_prefix"`
	// ServiceTags weights cloud service tags used as sources (0 = internal, 1 = the world).
	// "Internet", "*", "Any" are always the world. A regional tag ("AzureCloud.westeurope")
	// gets its base tag's weight.
	ServiceTags map[string]float64 `mapstructure:"service_tags"`
	// Allowlist holds approved exposures: they are still reported, with a lower score.
	Allowlist []AllowEntry `mapstructure:"allowlist"`
	// Automation holds identities and user agents of approved automation.
	Automation []AutomationEntry `mapstructure:"automation"`
	// ChangeWindows are periods in which network changes are expected.
	ChangeWindows []schedule.Window `mapstructure:"change_windows"`
	FirstSeen     FirstSeenConfig   `mapstructure:"first_seen"`
	// MaxKeys bounds the rule-id, prefix-list, group and operation state (each).
	MaxKeys int `mapstructure:"max_keys"`
	// DefaultEgressWindow is how long after CreateSecurityGroup an all-traffic egress rule
	// to the world is taken as the default egress rule being re-added.
	DefaultEgressWindow time.Duration `mapstructure:"default_egress_window"`
}

// AllowEntry is one approved exposure. Empty fields match anything; at least one must
// be set.
type AllowEntry struct {
	Resource string   `mapstructure:"resource"` // glob on cloud.resource_id
	CIDR     string   `mapstructure:"cidr"`     // the exposed source must lie inside it
	Ports    []string `mapstructure:"ports"`    // every exposed port range must lie inside these
	Reason   string   `mapstructure:"reason"`
}

// AutomationEntry is one approved automation identity. Every set field must match; at
// least one must be set.
type AutomationEntry struct {
	Principal string `mapstructure:"principal"`  // glob on user.id
	UserAgent string `mapstructure:"user_agent"` // glob on user_agent.original
	Role      string `mapstructure:"role"`       // role name: in the principal ARN or the role evidence
	Reason    string `mapstructure:"reason"`
}

// FirstSeenConfig configures first-seen principal / source IP / user agent tracking.
type FirstSeenConfig struct {
	Enabled  bool          `mapstructure:"enabled"`
	Lookback time.Duration `mapstructure:"lookback"`
	// Warmup is how long (event time) an account is observed before first-seen counts,
	// so a fresh start does not mark every principal as new.
	Warmup  time.Duration `mapstructure:"warmup"`
	MaxKeys int           `mapstructure:"max_keys"`
}

// DefaultHighRiskPorts is the union of CIS, Security Hub EC2.19, Prowler and the cloud
// vendors' lists (sources per port in docs/detections/exposure.md).
var DefaultHighRiskPorts = []string{
	"20-21", "22", "23", "25", "53", "110", "115", "135", "137-139", "143", "389", "445",
	"587", "636", "1433-1434", "1521", "2049", "2375-2376", "2483-2484", "3000", "3306",
	"3389", "4333", "5000", "5432", "5500", "5601", "5900", "5984", "5985-5986", "6379",
	"6984", "7000-7001", "7199", "8080", "8088", "8888", "9042", "9090", "9092", "9160",
	"9200", "9300", "11211", "11214-11215", "27017-27019", "61620-61621",
}

// DefaultConfig returns the documented defaults.
func DefaultConfig() Config {
	return Config{
		Enabled:           true,
		HighRiskPorts:     append([]string(nil), DefaultHighRiskPorts...),
		ExpectedPorts:     []string{"80", "443"},
		BroadPublicPrefix: 8,
		ServiceTags: map[string]float64{
			"AzureCloud":             0.6,
			"AzureFrontDoor.Backend": 0.3,
			"AzureTrafficManager":    0.2,
			"Storage":                0.4,
			"Sql":                    0.4,
			"AppService":             0.4,
		},
		FirstSeen: FirstSeenConfig{
			Enabled:  true,
			Lookback: 720 * time.Hour,
			Warmup:   24 * time.Hour,
			MaxKeys:  100000,
		},
		MaxKeys:             50000,
		DefaultEgressWindow: 5 * time.Minute,
	}
}

// Validate checks the configuration.
func (c *Config) Validate() error {
	if !c.Enabled {
		return nil
	}
	var errs []error
	if _, err := parsePortList(c.HighRiskPorts); err != nil {
		errs = append(errs, fmt.Errorf("high_risk_ports: %w", err))
	}
	if _, err := parsePortList(c.ExpectedPorts); err != nil {
		errs = append(errs, fmt.Errorf("expected_ports: %w", err))
	}
	if c.BroadPublicPrefix < 1 || c.BroadPublicPrefix > 31 {
		errs = append(errs, errors.New("broad_public_prefix must be between 1 and 31"))
	}
	for tag, w := range c.ServiceTags {
		if w < 0 || w > 1 {
			errs = append(errs, fmt.Errorf("service_tags[%s]: weight must be within 0..1", tag))
		}
	}
	for i, a := range c.Allowlist {
		if a.Resource == "" && a.CIDR == "" && len(a.Ports) == 0 {
			errs = append(errs, fmt.Errorf("allowlist[%d]: set at least one of resource, cidr, ports", i))
		}
		if a.CIDR != "" {
			if _, err := netip.ParsePrefix(a.CIDR); err != nil {
				errs = append(errs, fmt.Errorf("allowlist[%d].cidr: %w", i, err))
			}
		}
		if _, err := parsePortList(a.Ports); err != nil {
			errs = append(errs, fmt.Errorf("allowlist[%d].ports: %w", i, err))
		}
	}
	for i, a := range c.Automation {
		if a.Principal == "" && a.UserAgent == "" && a.Role == "" {
			errs = append(errs, fmt.Errorf("automation[%d]: set at least one of principal, user_agent, role", i))
		}
	}
	if _, err := schedule.Compile(c.ChangeWindows); err != nil {
		errs = append(errs, fmt.Errorf("change_windows: %w", err))
	}
	if c.FirstSeen.Enabled {
		if c.FirstSeen.Lookback <= 0 {
			errs = append(errs, errors.New("first_seen.lookback must be positive"))
		}
		if c.FirstSeen.Warmup < 0 {
			errs = append(errs, errors.New("first_seen.warmup must not be negative"))
		}
		if c.FirstSeen.MaxKeys < 1 {
			errs = append(errs, errors.New("first_seen.max_keys must be positive"))
		}
	}
	if c.MaxKeys < 1 {
		errs = append(errs, errors.New("max_keys must be positive"))
	}
	if c.DefaultEgressWindow < 0 {
		errs = append(errs, errors.New("default_egress_window must not be negative"))
	}
	return errors.Join(errs...)
}

// portRange is an inclusive port range.
type portRange struct{ from, to uint16 }

// parsePortList parses configured "N" / "N-M" entries.
func parsePortList(in []string) ([]portRange, error) {
	out := make([]portRange, 0, len(in))
	for _, s := range in {
		pr, ok := parsePort(strings.TrimSpace(s))
		if !ok || pr.all {
			return nil, fmt.Errorf("bad port or range %q", s)
		}
		out = append(out, pr.r)
	}
	return out, nil
}
