package cloudtrail

import (
	"strconv"

	"github.com/valyala/fastjson"

	"github.com/cloudwarden/cloudwarden/internal/schema"
	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/jsonx"
)

// protocolOf normalises an AWS protocol field: names ("tcp", "TCP"), IANA numbers as
// numbers or strings ("6", 6), and -1 / "-1" / "all" for every protocol.
// It returns "" when the field is absent or unreadable.
func protocolOf(v *fastjson.Value) string {
	if v == nil {
		return ""
	}
	if n, ok := jsonx.Int(v); ok {
		return protocolNumber(n)
	}
	b := jsonx.Bytes(v)
	switch {
	case len(b) == 0:
		return ""
	case jsonx.EqualFold(b, "tcp"):
		return "tcp"
	case jsonx.EqualFold(b, "udp"):
		return "udp"
	case jsonx.EqualFold(b, "icmp"):
		return "icmp"
	case jsonx.EqualFold(b, "icmpv6"), jsonx.EqualFold(b, "icmp6"), jsonx.EqualFold(b, "ipv6-icmp"):
		return "icmpv6"
	case jsonx.EqualFold(b, "all"), jsonx.EqualFold(b, "any"), jsonx.View(b) == "*":
		return schema.ProtocolAll
	}
	// An unknown protocol name is kept as the producer wrote it, lower-cased.
	out := make([]byte, len(b))
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		out[i] = c
	}
	return string(out)
}

func protocolNumber(n int64) string {
	switch n {
	case -1:
		return schema.ProtocolAll
	case 6:
		return "tcp"
	case 17:
		return "udp"
	case 1:
		return "icmp"
	case 58:
		return "icmpv6"
	}
	if n < 0 || n > 255 {
		return ""
	}
	return strconv.FormatInt(n, 10)
}

// portRanges returns the normalised port list for a protocol and the from/to fields.
// All protocols: every port. TCP/UDP: the range, or every port when from/to are
// missing or -1 (AWS's "all"). ICMP: from/to are type/code, so no port ranges.
// Other protocols carry no ports.
func portRanges(proto string, from, to int64, hasFrom, hasTo bool) []schema.PortRange {
	switch proto {
	case schema.ProtocolAll:
		return []schema.PortRange{schema.AllPortRange}
	case "tcp", "udp":
	default:
		return nil
	}
	if !hasFrom && !hasTo {
		return []schema.PortRange{schema.AllPortRange}
	}
	if !hasFrom {
		from = to
	}
	if !hasTo {
		to = from
	}
	if from < 0 || to < 0 {
		return []schema.PortRange{schema.AllPortRange}
	}
	if from > to {
		from, to = to, from
	}
	if from > 65535 {
		return nil
	}
	if to > 65535 {
		to = 65535
	}
	return []schema.PortRange{{From: uint16(from), To: uint16(to)}}
}
