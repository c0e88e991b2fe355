package taxonomy

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func TestNormalizeName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"RECORD_AUDIO", "RECORD_AUDIO"},
		{"android.permission.RECORD_AUDIO", "RECORD_AUDIO"},
		{"ohos.permission.GET_NETWORK_INFO", "GET_NETWORK_INFO"},
		{"ACCESS_Wi-Fi_STATE", "ACCESS_WIFI_STATE"},
		{"Phone permission", "PHONE"},
		{"notification permissions", "NOTIFICATION"},
		{"  read and write external storage card ", "READ_AND_WRITE_EXTERNAL_STORAGE_CARD"},
		{"Location information", "LOCATION"},
		{"Microphone (RECORD_AUDIO)", "MICROPHONE_RECORD_AUDIO"},
		{"", ""},
		{"--", ""},
	}
	for _, tt := range tests {
		if got := normalizeName(tt.in); got != tt.want {
			t.Errorf("normalizeName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestLookupPermissionLoose(t *testing.T) {
	tests := []struct {
		name, os string
		want     string // "" for not found
	}{
		{"android.permission.CAMERA", "", "android.permission.CAMERA"},
		{"android.permission.CAMERA", "android", "android.permission.CAMERA"},
		{"android.permission.camera", "android", "android.permission.CAMERA"},
		{"RECORD_AUDIO", "android", "android.permission.RECORD_AUDIO"},
		{"RECORD_AUDIO", "", "android.permission.RECORD_AUDIO"},
		{"record_audio", "Android", "android.permission.RECORD_AUDIO"},
		{"RECORD_AUDIO", "ios", "NSMicrophoneUsageDescription"},
		{"RECORD_AUDIO", "harmonyos", "ohos.permission.MICROPHONE"},
		{"RECORD_AUDIO", "ohos", "ohos.permission.MICROPHONE"},
		{"MICROPHONE", "android", "android.permission.RECORD_AUDIO"},
		{"MICROPHONE", "", "ohos.permission.MICROPHONE"}, // a HarmonyOS short name
		{"android.permission.RECORD_AUDIO", "ios", "NSMicrophoneUsageDescription"},
		{"NSCameraUsageDescription", "", "NSCameraUsageDescription"},
		{"nscamerausagedescription", "ios", "NSCameraUsageDescription"},
		{"NSCameraUsageDescription", "android", "android.permission.CAMERA"},
		{"ohos.permission.CAMERA", "android", "android.permission.CAMERA"},
		{"CAMERA", "harmonyos", "ohos.permission.CAMERA"},
		{"ACCESS_Wi-Fi_STATE", "android", "android.permission.ACCESS_WIFI_STATE"},
		{"CHANGE_Wi-Fi_STATE", "", "android.permission.CHANGE_WIFI_STATE"},
		{"GET_NETWORK_INFO", "", "ohos.permission.GET_NETWORK_INFO"},
		{"GET_NETWORK_INFO", "android", "android.permission.ACCESS_NETWORK_STATE"},
		{"STORE_PERSISTENT_DATA", "harmonyos", "ohos.permission.STORE_PERSISTENT_DATA"},
		{"INTERNET", "ios", "ios.framework.Network"},
		{"ios.framework.UserNotifications", "", "ios.framework.UserNotifications"},
		{"POST_NOTIFICATIONS", "ios", "ios.framework.UserNotifications"},
		{"com.google.android.c2dm.permission.RECEIVE", "android", "com.google.android.c2dm.permission.RECEIVE"},
		{"Phone permission", "android", "android.permission.READ_PHONE_STATE"},
		{"Location permission", "android", "android.permission.ACCESS_FINE_LOCATION"},
		{"Location permission", "harmonyos", "ohos.permission.LOCATION"},
		{"IDFA", "ios", "NSUserTrackingUsageDescription"},
		{"IDFA", "harmonyos", "ohos.permission.APP_TRACKING_CONSENT"},
		// Not found.
		{"SEND_SMS", "ios", ""},
		{"NO_SUCH_PERMISSION", "", ""},
		{"", "", ""},
		{"CAMERA", "windows", ""},
		{"ohos.permission.DISTRIBUTED_DATASYNC", "android", ""},
	}
	for _, tt := range tests {
		p, ok := LookupPermissionLoose(tt.name, tt.os)
		if got := map[bool]string{true: p.ID}[ok]; got != tt.want {
			t.Errorf("LookupPermissionLoose(%q, %q) = %q, want %q", tt.name, tt.os, got, tt.want)
		}
	}
}

func TestEquivalent(t *testing.T) {
	tests := []struct{ id, os, want string }{
		{"android.permission.CAMERA", "ios", "NSCameraUsageDescription"},
		{"android.permission.CAMERA", "harmonyos", "ohos.permission.CAMERA"},
		{"android.permission.CAMERA", "android", "android.permission.CAMERA"},
		{"NSLocationAlwaysAndWhenInUseUsageDescription", "android", "android.permission.ACCESS_BACKGROUND_LOCATION"},
		{"ohos.permission.APPROXIMATELY_LOCATION", "android", "android.permission.ACCESS_COARSE_LOCATION"},
		{"android.permission.READ_EXTERNAL_STORAGE", "ios", "NSPhotoLibraryUsageDescription"},
		{"android.permission.ACCESS_NETWORK_STATE", "harmonyos", "ohos.permission.GET_NETWORK_INFO"},
		{"android.permission.SEND_SMS", "ios", ""},
		{"no.such.permission", "ios", ""},
	}
	for _, tt := range tests {
		p, ok := Equivalent(tt.id, tt.os)
		if got := map[bool]string{true: p.ID}[ok]; got != tt.want {
			t.Errorf("Equivalent(%q, %q) = %q, want %q", tt.id, tt.os, got, tt.want)
		}
	}
}

// seedDir is where the seed privacy policies live, relative to this package.
const seedDir = "../../../shared/seeds"

func readSeeds(t *testing.T) map[string]string {
	t.Helper()
	paths, _ := filepath.Glob(filepath.Join(seedDir, "*.txt"))
	if len(paths) == 0 {
		t.Skipf("no seed policies in %s; skipping the check that every permission they name resolves", seedDir)
	}
	seeds := map[string]string{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		seeds[filepath.Base(p)[:3]] = string(b)
	}
	return seeds
}

// Every permission-shaped name in the seeds resolves.
var (
	reFullID   = regexp.MustCompile(`\b(?:android|ohos)\.permission\.[A-Z_]+`)
	reUsageKey = regexp.MustCompile(`\bNS[A-Za-z]+UsageDescription\b`)
	// Snake-case names, as in "ACCESS_Wi-Fi_STATE"; the seeds glue a
	// leading "SDK" to some ("Android SDKREAD_EXTERNAL_STORAGE").
	reSnake = regexp.MustCompile(`\b(?:SDK)?([A-Z]+(?:_(?:[A-Z]+|Wi-Fi))+)\b`)
)

func TestSeedPermissionsResolve(t *testing.T) {
	seeds := readSeeds(t)
	found := 0
	for name, text := range seeds {
		var names []string
		names = append(names, reFullID.FindAllString(text, -1)...)
		names = append(names, reUsageKey.FindAllString(text, -1)...)
		for _, m := range reSnake.FindAllStringSubmatch(text, -1) {
			names = append(names, m[1])
		}
		for _, n := range names {
			found++
			if _, ok := LookupPermissionLoose(n, ""); !ok {
				t.Errorf("seed %s: permission %q does not resolve", name, n)
			}
		}
	}
	if found == 0 {
		t.Error("found no permission names in the seeds; has the extraction broken?")
	}
}

// Every permission the seeds name, as they name it, on the platforms they
// name it for. Each text must occur in its seed, so the table stays honest.
func TestSeedPermissionsByPlatform(t *testing.T) {
	seeds := readSeeds(t)
	const (
		a = OSAndroid
		i = OSIOS
		h = OSHarmonyOS
	)
	tests := []struct {
		seed, text, os, want string
	}{
		// 000: customer-service SDK; every row says "Android / iOS / HarmonyOS".
		{"000", "INTERNET", a, "android.permission.INTERNET"},
		{"000", "INTERNET", i, "ios.framework.Network"},
		{"000", "INTERNET", h, "ohos.permission.INTERNET"},
		{"000", "ACCESS_NETWORK_STATE", a, "android.permission.ACCESS_NETWORK_STATE"},
		{"000", "ACCESS_NETWORK_STATE", i, "ios.framework.Network"},
		{"000", "ACCESS_NETWORK_STATE", h, "ohos.permission.GET_NETWORK_INFO"},
		{"000", "READ_EXTERNAL_STORAGE", a, "android.permission.READ_EXTERNAL_STORAGE"},
		{"000", "READ_EXTERNAL_STORAGE", i, "NSPhotoLibraryUsageDescription"},
		{"000", "READ_EXTERNAL_STORAGE", h, "ohos.permission.READ_MEDIA"},
		{"000", "RECORD_AUDIO", a, "android.permission.RECORD_AUDIO"},
		{"000", "RECORD_AUDIO", i, "NSMicrophoneUsageDescription"},
		{"000", "RECORD_AUDIO", h, "ohos.permission.MICROPHONE"},
		{"000", "CAMERA", a, "android.permission.CAMERA"},
		{"000", "CAMERA", i, "NSCameraUsageDescription"},
		{"000", "CAMERA", h, "ohos.permission.CAMERA"},
		// 001: IM SDK.
		{"001", "ACCESS_NETWORK_STATE", a, "android.permission.ACCESS_NETWORK_STATE"},
		{"001", "ACCESS_Wi-Fi_STATE", a, "android.permission.ACCESS_WIFI_STATE"},
		{"001", "CHANGE_Wi-Fi_STATE", a, "android.permission.CHANGE_WIFI_STATE"},
		{"001", "INTERNET", a, "android.permission.INTERNET"},
		{"001", "INTERNET", i, "ios.framework.Network"},
		{"001", "INTERNET", h, "ohos.permission.INTERNET"},
		{"001", "GET_NETWORK_INFO", h, "ohos.permission.GET_NETWORK_INFO"},
		{"001", "WRITE_EXTERNAL_STORAGE", a, "android.permission.WRITE_EXTERNAL_STORAGE"},
		{"001", "READ_EXTERNAL_STORAGE", a, "android.permission.READ_EXTERNAL_STORAGE"},
		{"001", "Location information", a, "android.permission.ACCESS_FINE_LOCATION"},
		{"001", "Location information", i, "NSLocationWhenInUseUsageDescription"},
		{"001", "Location information", h, "ohos.permission.LOCATION"},
		{"001", "CAMERA", a, "android.permission.CAMERA"},
		{"001", "RECORD_AUDIO", a, "android.permission.RECORD_AUDIO"},
		{"001", "STORE_PERSISTENT_DATA", h, "ohos.permission.STORE_PERSISTENT_DATA"},
		// 002: cloud-phone SDK, Android only.
		{"002", "CAMERA", a, "android.permission.CAMERA"},
		{"002", "MICROPHONE", a, "android.permission.RECORD_AUDIO"},
		{"002", "READ_EXTERNAL_STORAGE", a, "android.permission.READ_EXTERNAL_STORAGE"},
		{"002", "WRITE_EXTERNAL_STORAGE", a, "android.permission.WRITE_EXTERNAL_STORAGE"},
		{"002", "ACCESS_FINE_LOCATION", a, "android.permission.ACCESS_FINE_LOCATION"},
		{"002", "ACCESS_COARSE_LOCATION", a, "android.permission.ACCESS_COARSE_LOCATION"},
		// 003: social / AI-chat app and its SDKs.
		{"003", "INTERNET", a, "android.permission.INTERNET"},
		{"003", "INTERNET", i, "ios.framework.Network"},
		{"003", "ACCESS_COARSE_LOCATION", a, "android.permission.ACCESS_COARSE_LOCATION"},
		{"003", "READ/WRITE_EXTERNAL_STORAGE", a, "android.permission.WRITE_EXTERNAL_STORAGE"},
		{"003", "ACCESS_NETWORK_STATE", a, "android.permission.ACCESS_NETWORK_STATE"},
		{"003", "ACCESS_Wi-Fi_STATE", a, "android.permission.ACCESS_WIFI_STATE"},
		{"003", "CHANGE_Wi-Fi_STATE", a, "android.permission.CHANGE_WIFI_STATE"},
		{"003", "android.permission.RECORD_AUDIO", a, "android.permission.RECORD_AUDIO"},
		{"003", "android.permission.INTERNET", a, "android.permission.INTERNET"},
		{"003", "android.permission.ACCESS_WIFI_STATE", a, "android.permission.ACCESS_WIFI_STATE"},
		{"003", "android.permission.ACCESS_NETWORK_STATE", a, "android.permission.ACCESS_NETWORK_STATE"},
		{"003", "android.permission.BLUETOOTH", a, "android.permission.BLUETOOTH"},
		{"003", "android.permission.WRITE_EXTERNAL_STORAGE", a, "android.permission.WRITE_EXTERNAL_STORAGE"},
		{"003", "NSMicrophoneUsageDescription", i, "NSMicrophoneUsageDescription"},
		{"003", "camera permissions", a, "android.permission.CAMERA"},
		{"003", "camera permissions", i, "NSCameraUsageDescription"},
		{"003", "microphone permissions", a, "android.permission.RECORD_AUDIO"},
		{"003", "microphone permissions", i, "NSMicrophoneUsageDescription"},
		// 004: IoT camera app, Android and iOS, with its SDK list.
		{"004", "Phone permission", a, "android.permission.READ_PHONE_STATE"},
		{"004", "Location permission", a, "android.permission.ACCESS_FINE_LOCATION"},
		{"004", "Location permission", i, "NSLocationWhenInUseUsageDescription"},
		{"004", "Storage permission", a, "android.permission.WRITE_EXTERNAL_STORAGE"},
		{"004", "Storage permission", i, "NSPhotoLibraryAddUsageDescription"},
		{"004", "Camera permission", a, "android.permission.CAMERA"},
		{"004", "Camera permission", i, "NSCameraUsageDescription"},
		{"004", "Microphone permission", a, "android.permission.RECORD_AUDIO"},
		{"004", "Microphone permission", i, "NSMicrophoneUsageDescription"},
		{"004", "notification permissions", a, "android.permission.POST_NOTIFICATIONS"},
		{"004", "notification permissions", i, "ios.framework.UserNotifications"},
		{"004", "write external storage", a, "android.permission.WRITE_EXTERNAL_STORAGE"},
		{"004", "read external storage", a, "android.permission.READ_EXTERNAL_STORAGE"},
		{"004", "access coarse location information", a, "android.permission.ACCESS_COARSE_LOCATION"},
		{"004", "access precise location information", a, "android.permission.ACCESS_FINE_LOCATION"},
		{"004", "Internet access", a, "android.permission.INTERNET"},
		{"004", "network status", a, "android.permission.ACCESS_NETWORK_STATE"},
		{"004", "phone Wi-Fi status", a, "android.permission.ACCESS_WIFI_STATE"},
		{"004", "installed applications", a, "android.permission.QUERY_ALL_PACKAGES"},
		{"004", "application list", a, "android.permission.QUERY_ALL_PACKAGES"},
		{"004", "read and write external storage card", a, "android.permission.WRITE_EXTERNAL_STORAGE"},
		{"004", "obtain running task list", a, "android.permission.GET_TASKS"},
		{"004", "obtain coarse location", a, "android.permission.ACCESS_COARSE_LOCATION"},
		{"004", "obtain coarse location", i, "NSLocationWhenInUseUsageDescription"},
		{"004", "network permissions", i, "ios.framework.Network"},
		{"004", "IDFA", i, "NSUserTrackingUsageDescription"},
		{"004", "storage permissions", a, "android.permission.WRITE_EXTERNAL_STORAGE"},
		{"004", "READ_PHONE_STATE", a, "android.permission.READ_PHONE_STATE"},
	}
	for _, tt := range tests {
		text, ok := seeds[tt.seed]
		if !ok {
			t.Errorf("seed %s missing", tt.seed)
			continue
		}
		if !strings.Contains(text, tt.text) {
			t.Errorf("seed %s does not mention %q; fix the table", tt.seed, tt.text)
		}
		name := tt.text
		if strings.HasPrefix(name, "READ/WRITE_") {
			name = strings.TrimPrefix(name, "READ/") // "READ/WRITE_X": writing implies reading
		}
		p, ok := LookupPermissionLoose(name, tt.os)
		if got := map[bool]string{true: p.ID}[ok]; got != tt.want {
			t.Errorf("seed %s: LookupPermissionLoose(%q, %q) = %q, want %q", tt.seed, tt.text, tt.os, got, tt.want)
		}
	}
}

func TestPermissionCounts(t *testing.T) {
	count := map[string]int{}
	for _, p := range Permissions() {
		count[p.OS]++
	}
	for _, os := range oses {
		t.Logf("%s: %d permissions", os, count[os])
		if count[os] < 25 {
			t.Errorf("%s: only %d permissions", os, count[os])
		}
	}
}

func FuzzLookupPermissionLoose(f *testing.F) {
	for _, s := range []string{"RECORD_AUDIO", "ACCESS_Wi-Fi_STATE", "android.permission.CAMERA",
		"NSCameraUsageDescription", "Phone permission", "READ/WRITE_EXTERNAL_STORAGE", "", "__"} {
		for _, os := range []string{"", "android", "ios", "harmonyos", "ohos", "beos"} {
			f.Add(s, os)
		}
	}
	f.Fuzz(func(t *testing.T, name, os string) {
		p, ok := LookupPermissionLoose(name, os)
		if !ok {
			return
		}
		if want := normalizeOS(os); want != "" && p.OS != want {
			t.Errorf("LookupPermissionLoose(%q, %q) = %q of OS %q", name, os, p.ID, p.OS)
		}
		if _, exists := LookupPermission(p.ID); !exists {
			t.Errorf("LookupPermissionLoose(%q, %q) = %q, which LookupPermission does not know", name, os, p.ID)
		}
		if !slices.Contains(oses, p.OS) {
			t.Errorf("unknown OS %q", p.OS)
		}
	})
}

func BenchmarkLookupPermissionLoose(b *testing.B) {
	for _, name := range []string{"android.permission.CAMERA", "RECORD_AUDIO", "Microphone permission"} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if _, ok := LookupPermissionLoose(name, "ios"); !ok {
					b.Fatal("not found")
				}
			}
		})
	}
}
