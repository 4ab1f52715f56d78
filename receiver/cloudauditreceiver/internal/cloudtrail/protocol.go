package cloudtrail

import (
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
		return schema.ProtocolNumber(n)
	}
	return schema.NormaliseProtocol(jsonx.Bytes(v))
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
