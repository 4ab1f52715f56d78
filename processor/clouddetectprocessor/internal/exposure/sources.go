package exposure

import (
	"net/netip"
	"strconv"
	"strings"
)

// peerKind classifies one source or destination entry.
type peerKind uint8

const (
	peerUnknown    peerKind = iota // unparseable, or a form we do not know: not exposure
	peerInternal                   // private, CGNAT, link-local, IAP, health checkers, sg- refs, internal tags
	peerSpecific                   // a public address or a narrow public range
	peerBroad                      // a broad public range (weighted by size)
	peerTag                        // a broad cloud service tag (configured weight)
	peerWorld                      // 0.0.0.0/0, ::/0, *, Internet, Any, x.y.z.w/0
	peerPrefixList                 // an AWS managed prefix list id: resolved from state
)

// nonPublic ranges are never exposure: RFC 1918, CGNAT, link-local, loopback, "this
// network", benchmarking, IPv6 ULA / link-local, and Google's own front ends that
// reach instances from outside but are not the internet (IAP TCP forwarding and the
// load-balancer health checkers, including the legacy ones).
var nonPublic = mustPrefixes(
	"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16",
	"127.0.0.0/8", "0.0.0.0/8", "198.18.0.0/15",
	"35.235.240.0/20",                 // GCP IAP TCP forwarding
	"35.191.0.0/16", "130.211.0.0/22", // GCP health checks
	"209.85.152.0/22", "209.85.204.0/22", // GCP legacy network LB health checks
	"fc00::/7", "fe80::/10", "::1/128", // IPv6 ULA, link-local, loopback
	"2600:2d00:1:7::/64", "2600:2d00:1:b029::/64", // GCP IAP and health checks over IPv6
)

func mustPrefixes(ss ...string) []netip.Prefix {
	out := make([]netip.Prefix, len(ss))
	for i, s := range ss {
		out[i] = netip.MustParsePrefix(s)
	}
	return out
}

// internalTags are cloud service tags that stand for the customer's own network.
var internalTags = []string{"VirtualNetwork", "AzureLoadBalancer", "GatewayManager", "AzureBastion"}

type tagWeight struct {
	name   string
	weight float64
}

// classifier turns a source string into a breadth in 0..1.
type classifier struct {
	broad4, broad6 int
	tags           []tagWeight
}

func newClassifier(cfg *Config) *classifier {
	c := &classifier{broad4: cfg.BroadPublicPrefix, broad6: 2 * cfg.BroadPublicPrefix}
	for k, v := range cfg.ServiceTags {
		c.tags = append(c.tags, tagWeight{k, v})
	}
	return c
}

// classify returns the kind and breadth of one entry. It allocates nothing.
func (c *classifier) classify(s string) (peerKind, float64) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return peerUnknown, 0
	case s == "*" || strings.EqualFold(s, "any") || strings.EqualFold(s, "internet"):
		return peerWorld, 1
	case strings.HasPrefix(s, "pl-"):
		return peerPrefixList, 0
	case strings.HasPrefix(s, "sg-"):
		return peerInternal, 0
	}
	if i := strings.LastIndexByte(s, '/'); i >= 0 {
		bits, err := strconv.Atoi(s[i+1:])
		if err != nil || bits < 0 || bits > 128 {
			return peerUnknown, 0
		}
		// A /0 is the world whatever the address says: pseudonymised logs rewrite the
		// address (a.b.c.d/0) but keep the length.
		if bits == 0 {
			return peerWorld, 1
		}
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return peerUnknown, 0
		}
		return c.classifyPrefix(p.Masked())
	}
	if a, err := netip.ParseAddr(s); err == nil {
		return c.classifyPrefix(netip.PrefixFrom(a, a.BitLen()))
	}
	return c.classifyTag(s)
}

func (c *classifier) classifyPrefix(p netip.Prefix) (peerKind, float64) {
	if p.Addr().Is4In6() {
		p = netip.PrefixFrom(p.Addr().Unmap(), max(p.Bits()-96, 0))
	}
	for _, np := range nonPublic {
		if np.Addr().BitLen() == p.Addr().BitLen() && np.Bits() <= p.Bits() && np.Contains(p.Addr()) {
			return peerInternal, 0
		}
	}
	limit := c.broad4
	if p.Addr().Is6() {
		limit = c.broad6
	}
	if p.Bits() > limit {
		return peerSpecific, 0
	}
	// Weighted by size: /1 is nearly the world (0.94 at the default /8), the limit 0.5.
	return peerBroad, 1 - 0.5*float64(p.Bits())/float64(limit)
}

func (c *classifier) classifyTag(s string) (peerKind, float64) {
	for _, t := range internalTags {
		if strings.EqualFold(s, t) {
			return peerInternal, 0
		}
	}
	base := s
	if i := strings.IndexByte(s, '.'); i > 0 {
		base = s[:i]
	}
	best := -1.0
	for _, t := range c.tags {
		switch {
		case strings.EqualFold(s, t.name):
			return tagKind(t.weight)
		case strings.EqualFold(base, t.name):
			best = t.weight // regional form of a configured tag
		}
	}
	if best >= 0 {
		return tagKind(best)
	}
	return peerUnknown, 0
}

func tagKind(w float64) (peerKind, float64) {
	if w <= 0 {
		return peerInternal, 0
	}
	if w >= 1 {
		return peerWorld, 1
	}
	return peerTag, w
}
