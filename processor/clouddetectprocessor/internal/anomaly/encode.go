package anomaly

import (
	"encoding/binary"
	"errors"
	"math"
)

// EncodedSize is the length of one State's binary encoding.
const EncodedSize = 1 + 8 + 2*(8+4) + (8 + 8 + 4) + Buckets*4 + Buckets + shortMax*4 + 2 + 3*2 + 4 + 4 + 2*8 + 2*4

const encodingVersion = 1

// AppendBinary appends the state's compact, versioned, little-endian encoding (for
// persistence through a storage extension).
func (st *State) AppendBinary(b []byte) []byte {
	le := binary.LittleEndian
	f64 := func(v float64) { b = le.AppendUint64(b, math.Float64bits(v)) }
	b = append(b, encodingVersion)
	b = le.AppendUint64(b, uint64(st.clock.Max))
	f64(st.level.Mean)
	b = le.AppendUint32(b, st.level.N)
	f64(st.scale.MAD)
	b = le.AppendUint32(b, st.scale.N)
	f64(st.dist.Mean)
	f64(st.dist.Var)
	b = le.AppendUint32(b, st.dist.N)
	for _, v := range st.season {
		b = le.AppendUint32(b, math.Float32bits(v))
	}
	b = append(b, st.visits[:]...)
	for _, v := range st.ring {
		b = le.AppendUint32(b, math.Float32bits(v))
	}
	b = append(b, st.ringAt, st.ringN)
	b = le.AppendUint16(b, st.run)
	b = le.AppendUint16(b, st.hold)
	b = le.AppendUint16(b, st.quiet)
	b = le.AppendUint32(b, st.n)
	b = le.AppendUint32(b, math.Float32bits(st.score))
	f64(st.lo)
	f64(st.hi)
	b = le.AppendUint32(b, st.Late)
	b = le.AppendUint32(b, st.Dropped)
	return b
}

// ErrEncoding reports a state encoding that cannot be read.
var ErrEncoding = errors.New("anomaly: bad state encoding")

// DecodeBinary reads one state from the front of b and returns the rest.
func (st *State) DecodeBinary(b []byte) ([]byte, error) {
	if len(b) < EncodedSize || b[0] != encodingVersion {
		return b, ErrEncoding
	}
	le := binary.LittleEndian
	p := 1
	u64 := func() uint64 { v := le.Uint64(b[p:]); p += 8; return v }
	u32 := func() uint32 { v := le.Uint32(b[p:]); p += 4; return v }
	u16 := func() uint16 { v := le.Uint16(b[p:]); p += 2; return v }
	f64 := func() float64 { return math.Float64frombits(u64()) }
	var s State
	s.clock.Max = int64(u64())
	s.level.Mean, s.level.N = f64(), u32()
	s.scale.MAD, s.scale.N = f64(), u32()
	s.dist.Mean, s.dist.Var, s.dist.N = f64(), f64(), u32()
	for i := range s.season {
		s.season[i] = math.Float32frombits(u32())
	}
	p += copy(s.visits[:], b[p:p+Buckets])
	for i := range s.ring {
		s.ring[i] = math.Float32frombits(u32())
	}
	s.ringAt, s.ringN = b[p], b[p+1]
	p += 2
	s.run, s.hold, s.quiet = u16(), u16(), u16()
	s.n = u32()
	s.score = math.Float32frombits(u32())
	s.lo, s.hi = f64(), f64()
	s.Late, s.Dropped = u32(), u32()
	if int(s.ringAt) >= shortMax || int(s.ringN) > shortMax {
		return b, ErrEncoding
	}
	*st = s
	return b[p:], nil
}
