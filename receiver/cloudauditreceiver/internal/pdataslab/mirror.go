package pdataslab

import (
	"errors"
	"fmt"
	"reflect"
	"unsafe"

	"go.opentelemetry.io/collector/featuregate"
	"go.opentelemetry.io/collector/pdata/pcommon"
)

// Mirrors of pdata v1.66's internal structs (go.opentelemetry.io/collector/pdata/internal,
// generated_proto_*.go and wrapper_*.go). Check verifies each against pdata at run time.

// anyValue mirrors internal.AnyValue: the oneof, holding one of the *…Value wrappers.
type anyValue struct{ value eface }

// eface is the layout of an interface{} (any): type descriptor, data pointer.
type eface struct {
	typ  unsafe.Pointer
	data unsafe.Pointer
}

// keyValue mirrors internal.KeyValue.
type keyValue struct {
	key         string
	value       anyValue
	keyStrindex int32
}

type keyValueList struct{ values []keyValue } // internal.KeyValueList
type arrayValue struct{ values []anyValue }   // internal.ArrayValue

// The oneof wrappers: internal.AnyValue_StringValue, _IntValue, _DoubleValue,
// _BoolValue, _KvlistValue, _ArrayValue.
type (
	strValue       struct{ v string }
	intValue       struct{ v int64 }
	doubleValue    struct{ v float64 }
	boolValue      struct{ v bool }
	kvlistValue    struct{ list *keyValueList }
	arrayWrapValue struct{ arr *arrayValue }
)

// wrapper mirrors internal.ValueWrapper, MapWrapper and SliceWrapper (the structs that
// pcommon.Value, Map and Slice are defined as): a pointer to the proto struct and one
// to the shared mutability state.
type wrapper struct {
	orig  unsafe.Pointer
	state unsafe.Pointer
}

// types holds the type descriptor of each oneof wrapper, read from values pdata built.
var types struct {
	str, int, double, bool, kvlist, array unsafe.Pointer
}

func init() {
	types.str = typeOf(pcommon.NewValueStr("s"))
	types.int = typeOf(pcommon.NewValueInt(1))
	types.double = typeOf(pcommon.NewValueDouble(1.5))
	types.bool = typeOf(pcommon.NewValueBool(true))
	types.kvlist = typeOf(pcommon.NewValueMap())
	types.array = typeOf(pcommon.NewValueSlice())
}

func typeOf(v pcommon.Value) unsafe.Pointer {
	if unsafe.Sizeof(v) != unsafe.Sizeof(wrapper{}) {
		return nil // Check reports it
	}
	return valueOrig(v).value.typ
}

func wrapperOf[T pcommon.Value | pcommon.Map | pcommon.Slice](x *T) *wrapper {
	return (*wrapper)(unsafe.Pointer(x))
}

func valueOrig(v pcommon.Value) *anyValue { return (*anyValue)(wrapperOf(&v).orig) }

func mapOrig(m pcommon.Map) *[]keyValue { return (*[]keyValue)(wrapperOf(&m).orig) }

func sliceOrig(s pcommon.Slice) *[]anyValue { return (*[]anyValue)(wrapperOf(&s).orig) }

// setValue stores a oneof wrapper of type typ in av.
func setValue[T any](av *anyValue, typ unsafe.Pointer, w *T) {
	av.value = eface{typ: typ, data: unsafe.Pointer(w)}
}

// mapOf returns the pcommon.Map over kvs, sharing the mutability state of parent.
func mapOf(kvs *[]keyValue, parent pcommon.Value) pcommon.Map {
	w := wrapper{orig: unsafe.Pointer(kvs), state: wrapperOf(&parent).state}
	return *(*pcommon.Map)(unsafe.Pointer(&w))
}

// sliceOf returns the pcommon.Slice over vals, sharing the mutability state of parent.
func sliceOf(vals *[]anyValue, parent pcommon.Value) pcommon.Slice {
	w := wrapper{orig: unsafe.Pointer(vals), state: wrapperOf(&parent).state}
	return *(*pcommon.Slice)(unsafe.Pointer(&w))
}

// valueAt returns the pcommon.Value over av, sharing the mutability state of m.
func valueAt(av *anyValue, m pcommon.Map) pcommon.Value {
	w := wrapper{orig: unsafe.Pointer(av), state: wrapperOf(&m).state}
	return *(*pcommon.Value)(unsafe.Pointer(&w))
}

const poolingGate = "pdata.useProtoPooling"

// Check reports whether the mirrored layout matches the linked pdata and direct writes
// are safe; an error says what differs.
func Check() error {
	if gateEnabled(poolingGate) {
		// pdata then returns wrappers to its pools when values are deleted; keep to
		// the API so every wrapper is one pdata allocated.
		return errors.New(poolingGate + " is enabled")
	}
	if unsafe.Sizeof(pcommon.Value{}) != unsafe.Sizeof(wrapper{}) ||
		unsafe.Sizeof(pcommon.Map{}) != unsafe.Sizeof(wrapper{}) ||
		unsafe.Sizeof(pcommon.Slice{}) != unsafe.Sizeof(wrapper{}) {
		return errors.New("pcommon wrapper size differs")
	}
	for name, typ := range map[string]unsafe.Pointer{
		"string": types.str, "int": types.int, "double": types.double,
		"bool": types.bool, "map": types.kvlist, "slice": types.array,
	} {
		if typ == nil {
			return fmt.Errorf("no type descriptor for %s values", name)
		}
	}
	if err := checkTypes(); err != nil {
		return err
	}
	if err := checkScalars(); err != nil {
		return err
	}
	if err := checkMap(); err != nil {
		return err
	}
	return checkSlice()
}

// checkTypes compares the mirrors with pdata's types field by field (through
// reflection, so nothing is dereferenced before the layout is known to match).
func checkTypes() error {
	// pcommon.Value, Map, Slice: {orig *T, state *State}, T = AnyValue, []KeyValue, []AnyValue.
	vt, mt, st := reflect.TypeOf(pcommon.Value{}), reflect.TypeOf(pcommon.Map{}), reflect.TypeOf(pcommon.Slice{})
	for _, t := range []reflect.Type{vt, mt, st} {
		if t.Kind() != reflect.Struct || t.NumField() != 2 || t.Field(0).Type.Kind() != reflect.Pointer ||
			t.Field(1).Offset != unsafe.Offsetof(wrapper{}.state) {
			return fmt.Errorf("%v differs", t)
		}
	}
	anyT := vt.Field(0).Type.Elem()
	if anyT.Kind() != reflect.Struct || anyT.NumField() != 1 || anyT.Size() != unsafe.Sizeof(anyValue{}) ||
		anyT.Field(0).Type.Kind() != reflect.Interface || anyT.Field(0).Type.NumMethod() != 0 {
		return errors.New("AnyValue differs")
	}
	if mt.Field(0).Type.Elem().Kind() != reflect.Slice || st.Field(0).Type.Elem() != reflect.SliceOf(anyT) {
		return errors.New("map or slice wrapper differs")
	}
	asAny := func(v pcommon.Value) any { return *(*any)(unsafe.Pointer(&valueOrig(v).value)) }
	wrappers := []struct {
		v    pcommon.Value
		kind reflect.Kind
		size uintptr
	}{
		{pcommon.NewValueStr("s"), reflect.String, unsafe.Sizeof(strValue{})},
		{pcommon.NewValueInt(1), reflect.Int64, unsafe.Sizeof(intValue{})},
		{pcommon.NewValueDouble(1.5), reflect.Float64, unsafe.Sizeof(doubleValue{})},
		{pcommon.NewValueBool(true), reflect.Bool, unsafe.Sizeof(boolValue{})},
		{pcommon.NewValueMap(), reflect.Pointer, unsafe.Sizeof(kvlistValue{})},
		{pcommon.NewValueSlice(), reflect.Pointer, unsafe.Sizeof(arrayWrapValue{})},
	}
	var kvlist, array reflect.Type
	for _, w := range wrappers {
		t := reflect.TypeOf(asAny(w.v))
		if t == nil || t.Kind() != reflect.Pointer || t.Elem().Kind() != reflect.Struct ||
			t.Elem().NumField() != 1 || t.Elem().Field(0).Type.Kind() != w.kind || t.Elem().Size() != w.size {
			return fmt.Errorf("oneof wrapper %v differs", t)
		}
		switch w.v.Type() {
		case pcommon.ValueTypeMap:
			kvlist = t.Elem().Field(0).Type.Elem() // KeyValueList
		case pcommon.ValueTypeSlice:
			array = t.Elem().Field(0).Type.Elem() // ArrayValue
		}
	}
	if kvlist.Kind() != reflect.Struct || kvlist.NumField() != 1 || kvlist.Size() != unsafe.Sizeof(keyValueList{}) ||
		kvlist.Field(0).Type.Kind() != reflect.Slice {
		return errors.New("KeyValueList differs")
	}
	kv := kvlist.Field(0).Type.Elem()
	if kv.Kind() != reflect.Struct || kv.Size() != unsafe.Sizeof(keyValue{}) || kv.NumField() != 3 ||
		kv.Field(0).Type.Kind() != reflect.String || kv.Field(0).Offset != unsafe.Offsetof(keyValue{}.key) ||
		kv.Field(1).Offset != unsafe.Offsetof(keyValue{}.value) || kv.Field(2).Type.Kind() != reflect.Int32 ||
		kv.Field(2).Offset != unsafe.Offsetof(keyValue{}.keyStrindex) {
		return errors.New("KeyValue differs")
	}
	if kv.Field(1).Type != anyT || mt.Field(0).Type.Elem().Elem() != kv {
		return errors.New("KeyValue value differs")
	}
	if array.Kind() != reflect.Struct || array.NumField() != 1 || array.Size() != unsafe.Sizeof(arrayValue{}) ||
		array.Field(0).Type.Elem() != reflect.SliceOf(anyT).Elem() || array.Field(0).Type.Kind() != reflect.Slice {
		return errors.New("ArrayValue differs")
	}
	return nil
}

func checkScalars() error {
	s := pcommon.NewValueStr("pdataslab-probe")
	if w := (*strValue)(valueOrig(s).value.data); w == nil || w.v != "pdataslab-probe" {
		return errors.New("string value layout differs")
	}
	i := pcommon.NewValueInt(0x1234_5678_9abc)
	if w := (*intValue)(valueOrig(i).value.data); w == nil || w.v != 0x1234_5678_9abc {
		return errors.New("int value layout differs")
	}
	d := pcommon.NewValueDouble(-2.75)
	if w := (*doubleValue)(valueOrig(d).value.data); w == nil || w.v != -2.75 {
		return errors.New("double value layout differs")
	}
	b := pcommon.NewValueBool(true)
	if w := (*boolValue)(valueOrig(b).value.data); w == nil || !w.v {
		return errors.New("bool value layout differs")
	}
	if types.str == types.int || types.str == types.kvlist || types.kvlist == types.array {
		return errors.New("oneof type descriptors are not distinct")
	}
	return nil
}

func checkMap() error {
	v := pcommon.NewValueMap()
	m := v.Map()
	m.EnsureCapacity(4)
	m.PutStr("a", "x")
	m.PutInt("bb", 7)
	w := (*kvlistValue)(valueOrig(v).value.data)
	if w == nil || w.list == nil || mapOrig(m) != &w.list.values {
		return errors.New("map layout differs")
	}
	kvs := *mapOrig(m)
	if len(kvs) != 2 || m.Len() != 2 {
		return errors.New("map length differs")
	}
	// The address of each entry's Value, as pdata hands it out, fixes the stride and
	// the offset of Value within KeyValue; only then are the entries read.
	var addrs []uintptr
	for _, val := range m.All() {
		addrs = append(addrs, uintptr(wrapperOf(&val).orig))
	}
	base := uintptr(unsafe.Pointer(unsafe.SliceData(kvs)))
	off := unsafe.Offsetof(keyValue{}.value)
	if len(addrs) != 2 || addrs[0] != base+off || addrs[1] != base+unsafe.Sizeof(keyValue{})+off {
		return errors.New("key/value layout differs")
	}
	if kvs[0].key != "a" || kvs[1].key != "bb" ||
		(*strValue)(kvs[0].value.value.data).v != "x" || (*intValue)(kvs[1].value.value.data).v != 7 {
		return errors.New("key/value contents differ")
	}
	return nil
}

func checkSlice() error {
	v := pcommon.NewValueSlice()
	sl := v.Slice()
	sl.AppendEmpty().SetStr("x")
	sl.AppendEmpty().SetBool(true)
	w := (*arrayWrapValue)(valueOrig(v).value.data)
	if w == nil || w.arr == nil || sliceOrig(sl) != &w.arr.values {
		return errors.New("slice layout differs")
	}
	vals := *sliceOrig(sl)
	if len(vals) != 2 || sl.Len() != 2 {
		return errors.New("slice length differs")
	}
	e0, e1 := sl.At(0), sl.At(1)
	base := uintptr(unsafe.Pointer(unsafe.SliceData(vals)))
	if uintptr(wrapperOf(&e0).orig) != base || uintptr(wrapperOf(&e1).orig) != base+unsafe.Sizeof(anyValue{}) {
		return errors.New("slice element layout differs")
	}
	if (*strValue)(vals[0].value.data).v != "x" || !(*boolValue)(vals[1].value.data).v {
		return errors.New("slice contents differ")
	}
	return nil
}

func gateEnabled(id string) bool {
	on := false
	featuregate.GlobalRegistry().VisitAll(func(g *featuregate.Gate) {
		if g.ID() == id {
			on = g.IsEnabled()
		}
	})
	return on
}
