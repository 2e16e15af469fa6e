package clock

import (
	"errors"
	"testing"
	"time"
)

func TestVirtualStaysInTheEncodableRange(t *testing.T) {
	v := NewVirtual(Latest.Add(-time.Hour))
	if _, err := v.Advance(2 * time.Hour); !errors.Is(err, ErrOutOfRange) {
		t.Errorf("advance past Latest: %v", err)
	}
	if err := v.Set(time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)); !errors.Is(err, ErrOutOfRange) {
		t.Errorf("set past Latest: %v", err)
	}
	if got := v.Now(); !got.Equal(Latest.Add(-time.Hour)) {
		t.Errorf("refused moves moved the clock to %s", got)
	}
	if now, err := v.Advance(time.Hour); err != nil || !now.Equal(Latest) {
		t.Errorf("advance to Latest: %s, %v", now, err)
	}
	if _, err := Latest.MarshalJSON(); err != nil {
		t.Errorf("Latest itself cannot be encoded: %v", err)
	}
	for _, tm := range []time.Time{Earliest.Add(-time.Second), Latest.Add(time.Nanosecond)} {
		if CheckRange(tm) == nil {
			t.Errorf("%s is in range", tm)
		}
	}
}
