package exposure

import (
	"math/bits"
	"strings"

	"github.com/cloudwarden/cloudwarden/internal/schema"
)

type parsedPort struct {
	r   portRange
	all bool
}

// parsePort reads one port_ranges entry. "-1", "all", "*", "any" and "0-65535" are the
// whole port space.
func parsePort(s string) (parsedPort, bool) {
	switch {
	case s == "-1" || s == "*" || strings.EqualFold(s, "all") || strings.EqualFold(s, "any"):
		return parsedPort{r: portRange{0, 65535}, all: true}, true
	}
	pr, ok := schema.ParsePortRange(s)
	if !ok {
		return parsedPort{}, false
	}
	return parsedPort{r: portRange{pr.From, pr.To}, all: pr.From <= 1 && pr.To == 65535}, true
}

// portSet is a bitset over the port space: 8 KiB, O(width/64) range queries.
type portSet struct {
	w [1024]uint64
}

func newPortSet(rs []portRange) *portSet {
	s := &portSet{}
	for _, r := range rs {
		for p := int(r.from); p <= int(r.to); p++ {
			s.w[p>>6] |= 1 << (uint(p) & 63)
		}
	}
	return s
}

func (s *portSet) has(p uint16) bool { return s.w[p>>6]&(1<<(uint(p)&63)) != 0 }

// first returns the first member within r.
func (s *portSet) first(r portRange) (uint16, bool) {
	for p := int(r.from); p <= int(r.to); {
		word := s.w[p>>6] >> (uint(p) & 63)
		if word != 0 {
			q := p + bits.TrailingZeros64(word)
			if q <= int(r.to) {
				return uint16(q), true
			}
			return 0, false
		}
		p = (p | 63) + 1
	}
	return 0, false
}

// count returns the number of members within r.
func (s *portSet) count(r portRange) int {
	n := 0
	for p := int(r.from); p <= int(r.to); p++ {
		if p&63 == 0 && p+63 <= int(r.to) {
			n += bits.OnesCount64(s.w[p>>6])
			p += 63
			continue
		}
		if s.has(uint16(p)) {
			n++
		}
	}
	return n
}

// covers reports whether every port of r is a member.
func (s *portSet) covers(r portRange) bool {
	for p := int(r.from); p <= int(r.to); p++ {
		if !s.has(uint16(p)) {
			return false
		}
	}
	return true
}

// serviceNames names well-known ports in reasons.
var serviceNames = map[uint16]string{
	20: "ftp-data", 21: "ftp", 22: "ssh", 23: "telnet", 25: "smtp", 53: "dns", 110: "pop3",
	115: "sftp", 135: "msrpc", 137: "netbios", 138: "netbios", 139: "netbios", 143: "imap",
	389: "ldap", 445: "smb", 587: "smtp-submission", 636: "ldaps", 1433: "mssql", 1434: "mssql-browser",
	1521: "oracle", 2049: "nfs", 2375: "docker", 2376: "docker-tls", 2483: "oracle", 2484: "oracle",
	3000: "dev-http", 3306: "mysql", 3389: "rdp", 4333: "msql", 5000: "dev-http", 5432: "postgresql",
	5500: "vnc-http", 5601: "kibana", 5900: "vnc", 5984: "couchdb", 5985: "winrm", 5986: "winrm",
	6379: "redis", 6984: "couchdb-tls", 7000: "cassandra", 7001: "cassandra", 7199: "cassandra-jmx",
	8080: "http-alt", 8088: "hadoop", 8888: "http-alt", 9042: "cassandra", 9090: "prometheus",
	9092: "kafka", 9160: "cassandra-thrift", 9200: "elasticsearch", 9300: "elasticsearch",
	11211: "memcached", 11214: "memcached", 11215: "memcached", 27017: "mongodb", 27018: "mongodb",
	27019: "mongodb", 61620: "opscenter", 61621: "opscenter",
}

// Port risk factors (see docs/detections/exposure.md).
const (
	riskAllPorts     = 1.0
	riskHighRiskWide = 0.95 // a range covering several high-risk services
	riskHighRisk     = 0.85
	riskOtherWide    = 0.7 // a wide range (>1024 ports) without a listed port
	riskOther        = 0.5
	riskNoPorts      = 0.3  // protocols without ports other than ICMP (esp, ah, gre ...)
	riskICMP         = 0.15 // ping and friends
	riskExpected     = 0.1  // only 80/443 (configurable)
)

// portEval is the port side of one rule.
type portEval struct {
	risk      float64
	all       bool
	highRisk  bool
	firstRisk uint16 // a high-risk port covered, for the reason
	hrCount   int
	expected  bool // only expected ports
}

func isAllProtocol(p string) bool {
	return p == "" || p == "-1" || p == "*" || strings.EqualFold(p, schema.ProtocolAll) || strings.EqualFold(p, "any")
}

func isICMP(p string) bool {
	return strings.EqualFold(p, "icmp") || strings.EqualFold(p, "icmpv6") || p == "1" || p == "58"
}

func hasPorts(p string) bool {
	return strings.EqualFold(p, "tcp") || strings.EqualFold(p, "udp") || strings.EqualFold(p, "sctp") ||
		p == "6" || p == "17" || p == "132"
}
