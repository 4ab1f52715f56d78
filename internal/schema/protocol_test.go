package schema

import "testing"

func TestNormaliseProtocol(t *testing.T) {
	for in, want := range map[string]string{
		"tcp": "tcp", "TCP": "tcp", " Udp ": "udp", "6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6",
		"ipv6-icmp": "icmpv6", "icmp6": "icmpv6", "IcmpV6": "icmpv6", "50": "esp", "Esp": "esp", "AH": "ah",
		"47": "gre", "132": "sctp", "-1": "all", "all": "all", "ALL": "all", "Any": "all", "*": "all",
		"999": "999", "112": "112", "VRRP": "vrrp", "": "", "  ": "",
	} {
		if got := NormaliseProtocol([]byte(in)); got != want {
			t.Errorf("NormaliseProtocol(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestProtocolHasPorts(t *testing.T) {
	for p, want := range map[string]bool{"tcp": true, "udp": true, "sctp": true, "icmp": false, "esp": false, "all": false, "112": false} {
		if got := ProtocolHasPorts(p); got != want {
			t.Errorf("ProtocolHasPorts(%q) = %v", p, got)
		}
	}
}

func FuzzNormaliseProtocol(f *testing.F) {
	for _, s := range []string{"tcp", "-1", "58", "  ", "9999999999999999999", "-"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := NormaliseProtocol([]byte(s))
		if got != NormaliseProtocol([]byte(got)) {
			t.Errorf("not idempotent: %q -> %q -> %q", s, got, NormaliseProtocol([]byte(got)))
		}
	})
}
