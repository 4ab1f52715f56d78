package exposure

import (
	"strings"
	"testing"
	"time"

	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/detection"
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/internal/schedule"
)

func TestDefaultConfig(t *testing.T) {
	cfg := DefaultConfig()
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	// Exactly the union named in the issue.
	want := "20-21,22,23,25,53,110,115,135,137-139,143,389,445,587,636,1433-1434,1521,2049,2375-2376,2483-2484,3000,3306,3389,4333,5000,5432,5500,5601,5900,5984,5985-5986,6379,6984,7000-7001,7199,8080,8088,8888,9042,9090,9092,9160,9200,9300,11211,11214-11215,27017-27019,61620-61621"
	if got := strings.Join(cfg.HighRiskPorts, ","); got != want {
		t.Fatalf("high_risk_ports = %s", got)
	}
	if strings.Join(cfg.ExpectedPorts, ",") != "80,443" || cfg.BroadPublicPrefix != 8 || cfg.FirstSeen.Lookback != 720*time.Hour {
		t.Fatalf("defaults changed: %+v", cfg)
	}
}

func TestValidateRejects(t *testing.T) {
	bad := map[string]func(*Config){
		"port":        func(c *Config) { c.HighRiskPorts = []string{"22", "70000"} },
		"range":       func(c *Config) { c.ExpectedPorts = []string{"443-80"} },
		"all":         func(c *Config) { c.HighRiskPorts = []string{"all"} },
		"prefix":      func(c *Config) { c.BroadPublicPrefix = 0 },
		"tag":         func(c *Config) { c.ServiceTags = map[string]float64{"AzureCloud": 2} },
		"allow empty": func(c *Config) { c.Allowlist = []AllowEntry{{Reason: "x"}} },
		"allow cidr":  func(c *Config) { c.Allowlist = []AllowEntry{{CIDR: "10.0.0.0/33"}} },
		"auto empty":  func(c *Config) { c.Automation = []AutomationEntry{{Reason: "x"}} },
		"window": func(c *Config) {
			c.ChangeWindows = []schedule.Window{{Name: "w", Cron: "0 25 * * *", Duration: time.Hour}}
		},
		"lookback": func(c *Config) { c.FirstSeen.Lookback = 0 },
		"max keys": func(c *Config) { c.MaxKeys = 0 },
	}
	for name, mut := range bad {
		cfg := DefaultConfig()
		mut(&cfg)
		if err := cfg.Validate(); err == nil {
			t.Errorf("%s: want error", name)
		}
		if _, err := New(cfg, nil); err == nil {
			t.Errorf("%s: New must refuse", name)
		}
	}
}

func TestRuleMetadata(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Rules {
		if !strings.HasPrefix(r.UUID, "cloudwarden.exposure.") || seen[r.UUID] {
			t.Errorf("bad uuid %s", r.UUID)
		}
		seen[r.UUID] = true
		if r.Category != detection.CategoryExposure || r.Analytic != detection.AnalyticAN1188 || r.Version != "1.0.0" ||
			r.Reference == "" || r.Name == "" || strings.Join(r.Techniques, ",") != "T1686.001,T1562.007" {
			t.Errorf("bad rule %+v", r)
		}
	}
	if len(slotRules) != len(Rules) {
		t.Fatal("slots and Rules disagree")
	}
}

func TestClassify(t *testing.T) {
	c := newClassifier(func() *Config { c := DefaultConfig(); return &c }())
	cases := []struct {
		in   string
		kind peerKind
		lo   float64
		hi   float64
	}{
		{"0.0.0.0/0", peerWorld, 1, 1},
		{"::/0", peerWorld, 1, 1},
		{"x.y.z.w/0", peerWorld, 1, 1},
		{"*", peerWorld, 1, 1},
		{"Internet", peerWorld, 1, 1},
		{"any", peerWorld, 1, 1},
		{"0.0.0.0/1", peerBroad, 0.93, 0.94},
		{"128.0.0.0/2", peerBroad, 0.87, 0.88},
		{"11.0.0.0/8", peerBroad, 0.5, 0.5},
		{"10.0.0.0/7", peerBroad, 0.56, 0.57}, // covers 11/8, which is public
		{"10.0.0.0/8", peerInternal, 0, 0},
		{"10.1.2.3", peerInternal, 0, 0},
		{"35.235.240.0/20", peerInternal, 0, 0},
		{"35.191.0.0/16", peerInternal, 0, 0},
		{"130.211.0.0/22", peerInternal, 0, 0},
		{"100.64.0.0/10", peerInternal, 0, 0},
		{"::ffff:10.0.0.0/104", peerInternal, 0, 0},
		{"2001:db8::/16", peerBroad, 0.5, 0.5},
		{"2001:db8::/32", peerSpecific, 0, 0},
		{"203.0.113.7/32", peerSpecific, 0, 0},
		{"a.b.c.d/8", peerUnknown, 0, 0},
		{"AzureCloud", peerTag, 0.6, 0.6},
		{"azurecloud.EastUS", peerTag, 0.6, 0.6},
		{"VirtualNetwork", peerInternal, 0, 0},
		{"sg-0123", peerInternal, 0, 0},
		{"pl-0123", peerPrefixList, 0, 0},
		{"web-servers", peerUnknown, 0, 0},
	}
	for _, tc := range cases {
		k, b := c.classify(tc.in)
		if k != tc.kind || b < tc.lo || b > tc.hi {
			t.Errorf("%s: kind %d breadth %.3f, want %d in [%v,%v]", tc.in, k, b, tc.kind, tc.lo, tc.hi)
		}
	}
}

func TestGlob(t *testing.T) {
	cases := []struct {
		p, s string
		ok   bool
	}{
		{"*Terraform*", "APN/1.0 HashiCorp/1.0 Terraform/1.9.5", true},
		{"*terraform*", "APN/1.0 HashiCorp/1.0 Terraform/1.9.5", true},
		{"arn:aws:sts::*:assumed-role/deploy/*", "arn:aws:sts::1:assumed-role/deploy/ci", true},
		{"arn:aws:sts::*:assumed-role/deploy/*", "arn:aws:sts::1:assumed-role/deployer/ci", false},
		{"sg-0?", "sg-01", true},
		{"sg-0?", "sg-012", false},
		{"", "", true},
		{"a*b*c", "axxbyyc", true},
		{"a*b*c", "axxbyy", false},
	}
	for _, c := range cases {
		if globMatch(c.p, c.s) != c.ok {
			t.Errorf("glob(%q,%q) != %v", c.p, c.s, c.ok)
		}
	}
	if !roleInARN("arn:aws:sts::1:assumed-role/Deploy/x", "deploy") || roleInARN("arn:aws:iam::1:user/deploy", "deploy") ||
		!roleInARN("arn:aws:iam::1:role/path/ops", "path") {
		t.Fatal("roleInARN")
	}
}

func FuzzClassify(f *testing.F) {
	for _, s := range []string{"0.0.0.0/0", "a.b.c.d/0", "::/0", "10.0.0.0/8", "AzureCloud.x", "pl-1", "/", "1.2.3.4/-1", "::ffff:1.2.3.4/200"} {
		f.Add(s)
	}
	c := newClassifier(func() *Config { c := DefaultConfig(); return &c }())
	f.Fuzz(func(t *testing.T, s string) {
		_, b := c.classify(s)
		if b < 0 || b > 1 {
			t.Fatalf("%q: breadth %v", s, b)
		}
		parsePort(s)
	})
}

func TestIsReadOnly(t *testing.T) {
	for m, want := range map[string]bool{
		"DescribeSecurityGroups": true, "GetObject": true, "ListBuckets": true,
		"v1.compute.firewalls.get": true, "v1.compute.firewalls.list": true,
		"MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/READ": true,
		"AuthorizeSecurityGroupIngress":                false, "ModifySecurityGroupRules": false,
		"v1.compute.firewalls.insert": false, "v1.compute.firewalls.patch": false,
		"Microsoft.Network/networkSecurityGroups/securityRules/write": false,
		"CreateSecurityGroup": false, "": false,
	} {
		if isReadOnly(m) != want {
			t.Errorf("isReadOnly(%q) != %v", m, want)
		}
	}
}
