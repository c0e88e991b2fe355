package store

import "testing"

func TestAgeFloor(t *testing.T) {
	for age, want := range map[int]int{-1: AgeUnknown, 0: AgeUnder13, 12: AgeUnder13, 13: 13, 14: 14, 15: 15, 16: 16, 17: 16, 18: 18, 70: 18} {
		if got := AgeFloorOf(age); got != want {
			t.Errorf("AgeFloorOf(%d) = %d, want %d", age, got, want)
		}
	}
	for _, n := range []int{-1, 2, 12, 17, 19} {
		if ValidAgeFloor(n) {
			t.Errorf("ValidAgeFloor(%d) = true", n)
		}
	}
	for _, c := range []struct {
		floor, age int
		yes, known bool
	}{
		{AgeUnknown, 14, false, false},
		{AgeUnder13, 13, false, true},
		{AgeUnder13, 14, false, true},
		{AgeUnder13, 5, false, false}, // under 13 says nothing about 5
		{13, 13, true, true},
		{13, 14, false, true},
		{14, 14, true, true},
		{14, 16, false, true},
		{16, 16, true, true},
		{16, 17, false, false}, // 16 or 17
		{16, 18, false, true},
		{18, 16, true, true},
		{18, 21, false, false},
	} {
		yes, known := Subject{AgeFloor: c.floor}.AtLeast(c.age)
		if yes != c.yes || known != c.known {
			t.Errorf("floor %d AtLeast(%d) = %v, %v; want %v, %v", c.floor, c.age, yes, known, c.yes, c.known)
		}
	}
}

func TestCheckRegion(t *testing.T) {
	for in, want := range map[string]string{"": "", "cn": "CN", "DE": "DE", "us-ca": "US-CA", "EU": "EU", "GB-SCT": "GB-SCT", "FR-75": "FR-75"} {
		if got, err := checkRegion("region", in); err != nil || got != want {
			t.Errorf("checkRegion(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"C", "CHN", "China", "C1", "CN-", "CN-ABCD", "1N", "CN_BJ", "中国"} {
		if _, err := checkRegion("region", in); err == nil {
			t.Errorf("checkRegion(%q) accepted", in)
		}
	}
}
