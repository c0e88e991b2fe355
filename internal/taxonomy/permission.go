package taxonomy

import (
	"slices"
	"strings"
)

// Operating systems, the values of [Permission.OS].
const (
	OSAndroid   = "android"
	OSIOS       = "ios"
	OSHarmonyOS = "harmonyos"
)

// oses lists the operating systems in the order loose lookups try them when
// no OS is given.
var oses = []string{OSAndroid, OSHarmonyOS, OSIOS}

// Permission is an OS permission, or an iOS framework, through which an app
// reaches personal information or device capabilities.
type Permission struct {
	// ID is the platform's own name: "android.permission.CAMERA",
	// "NSCameraUsageDescription", "ohos.permission.CAMERA". iOS frameworks
	// that need no usage key are "ios.framework.<Name>", e.g.
	// "ios.framework.UserNotifications" (APNs).
	ID string `json:"id"`
	// OS is [OSAndroid], [OSIOS] or [OSHarmonyOS].
	OS          string `json:"os"`
	Label       Label  `json:"label"`
	Description Label  `json:"description"`
	// Runtime is true when the user grants the permission: an Android
	// dangerous or special permission, an iOS usage prompt, a HarmonyOS
	// user_grant permission. False means granted at install or by the
	// system.
	Runtime bool `json:"runtime,omitempty"`
	// Categories lists the IDs of the data categories the permission
	// exposes; empty for permissions that reach no personal information.
	Categories []string `json:"categories"`
	// Group is the ID of the [PermissionGroup] the permission belongs to.
	Group string `json:"group"`
}

func (p Permission) clone() Permission {
	p.Categories = slices.Clone(p.Categories)
	return p
}

// Permissions returns every permission of every OS, in a stable order:
// Android, then iOS, then HarmonyOS.
func Permissions() []Permission { return data.permissions.all() }

// LookupPermission returns the permission with exactly the given ID.
// See [LookupPermissionLoose] for the names privacy policies use.
func LookupPermission(id string) (Permission, bool) { return data.permissions.get(id) }

// PermissionGroup is a capability that each platform grants through its own
// permission, such as "camera" or "location_precise".
type PermissionGroup struct {
	// ID is the stable identifier, e.g. "microphone".
	ID    string `json:"id"`
	Label Label  `json:"label"`
	// Android, IOS and HarmonyOS are the IDs of the permission that grants
	// the capability on each OS, "" where the OS has none. That permission
	// may have another group as its own (an iOS usage key often stands for
	// several Android permissions).
	Android   string `json:"android,omitempty"`
	IOS       string `json:"ios,omitempty"`
	HarmonyOS string `json:"harmonyos,omitempty"`
	// Aliases are informal names of the capability, such as "PHONE" or
	// "APPLICATION_LIST", that [LookupPermissionLoose] resolves.
	Aliases []string `json:"aliases,omitempty"`
}

func (g PermissionGroup) clone() PermissionGroup {
	g.Aliases = slices.Clone(g.Aliases)
	return g
}

// For returns the ID of the group's permission on os, or "" if there is none.
func (g PermissionGroup) For(os string) string {
	switch normalizeOS(os) {
	case OSAndroid:
		return g.Android
	case OSIOS:
		return g.IOS
	case OSHarmonyOS:
		return g.HarmonyOS
	}
	return ""
}

// PermissionGroups returns every permission group, in a stable order.
func PermissionGroups() []PermissionGroup { return data.groups.all() }

// LookupPermissionGroup returns the permission group with the given ID.
func LookupPermissionGroup(id string) (PermissionGroup, bool) { return data.groups.get(id) }

// Equivalent returns the permission on os that grants the same capability as
// the permission id, such as "NSMicrophoneUsageDescription" for
// "android.permission.RECORD_AUDIO" on "ios". It reports false when id is
// unknown or os has no such permission.
func Equivalent(id, os string) (Permission, bool) {
	p, ok := data.permissions.get(id)
	if !ok {
		return Permission{}, false
	}
	os = normalizeOS(os)
	if p.OS == os {
		return p, true
	}
	return data.groupPermission(p.Group, os)
}

// LookupPermissionLoose resolves a permission as privacy policies name it:
// the exact ID, the ID in another case, a short Android or HarmonyOS name
// ("RECORD_AUDIO", "ACCESS_Wi-Fi_STATE", "GET_NETWORK_INFO"), or an informal
// name ("Microphone permission", "application list"). os ("android", "ios",
// "harmonyos"; "ohos" and "harmony" also work) picks the platform; a name
// from one platform then resolves to the equivalent permission on os, so
// ("RECORD_AUDIO", "ios") gives NSMicrophoneUsageDescription. With os "",
// any platform will do: a name that is some platform's own short name gives
// that platform's permission ("MICROPHONE" gives ohos.permission.MICROPHONE),
// and otherwise platforms are tried in the order Android, HarmonyOS, iOS.
func LookupPermissionLoose(name, os string) (Permission, bool) {
	want := oses
	if strings.TrimSpace(os) != "" {
		o := normalizeOS(os)
		if o == "" {
			return Permission{}, false
		}
		want = []string{o}
	}
	name = strings.TrimSpace(name)
	matches := func(p Permission) bool { return slices.Contains(want, p.OS) }

	if p, ok := data.permissions.get(name); ok && matches(p) {
		return p, true
	}
	if id, ok := data.permByLower[strings.ToLower(name)]; ok {
		if p, _ := data.permissions.get(id); matches(p) {
			return p, true
		}
	}
	tok := normalizeName(name)
	if tok == "" {
		return Permission{}, false
	}
	for _, o := range want {
		var id string
		switch o {
		case OSAndroid:
			id = "android.permission." + tok
		case OSHarmonyOS:
			id = "ohos.permission." + tok
		default:
			continue
		}
		if p, ok := data.permissions.get(id); ok {
			return p, true
		}
	}
	group, ok := data.groupByName[tok]
	if !ok {
		// A full ID of another platform: go through its group.
		if id, found := data.permByLower[strings.ToLower(name)]; found {
			group, ok = data.permissions.items[data.permissions.index[id]].Group, true
		}
	}
	if !ok {
		return Permission{}, false
	}
	for _, o := range want {
		if p, ok := data.groupPermission(group, o); ok {
			return p, true
		}
	}
	return Permission{}, false
}

// groupPermission returns the permission of group on os.
func (d *db) groupPermission(group, os string) (Permission, bool) {
	g, ok := d.groups.get(group)
	if !ok {
		return Permission{}, false
	}
	id := g.For(os)
	if id == "" {
		return Permission{}, false
	}
	return d.permissions.get(id)
}

// normalizeOS maps an OS name to one of the OS constants, or "" if unknown.
func normalizeOS(os string) string {
	switch strings.ToLower(strings.TrimSpace(os)) {
	case "android":
		return OSAndroid
	case "ios", "ipados":
		return OSIOS
	case "harmonyos", "harmony", "ohos", "openharmony", "harmonyos next":
		return OSHarmonyOS
	}
	return ""
}

func validOS(os string) bool { return os != "" && normalizeOS(os) == os }

// normalizeName turns a permission name as written in a policy into an
// upper-case snake token: "android.permission.RECORD_AUDIO" and
// "Record audio" give "RECORD_AUDIO", "ACCESS_Wi-Fi_STATE" gives
// "ACCESS_WIFI_STATE", "Phone permission" gives "PHONE", "Location
// information" gives "LOCATION".
func normalizeName(name string) string {
	s := strings.ToUpper(strings.TrimSpace(name))
	for _, prefix := range []string{"ANDROID.PERMISSION.", "OHOS.PERMISSION."} {
		s = strings.TrimPrefix(s, prefix)
	}
	s = strings.ReplaceAll(s, "WI-FI", "WIFI")
	var b strings.Builder
	underscore := false
	for _, r := range s {
		if ('A' <= r && r <= 'Z') || ('0' <= r && r <= '9') {
			b.WriteRune(r)
			underscore = false
			continue
		}
		if !underscore && b.Len() > 0 {
			b.WriteByte('_')
			underscore = true
		}
	}
	s = strings.TrimSuffix(b.String(), "_")
	for _, suffix := range []string{"_PERMISSIONS", "_PERMISSION", "_INFORMATION"} {
		s = strings.TrimSuffix(s, suffix)
	}
	return s
}

// shortName returns the part of an Android or HarmonyOS permission ID after
// "android.permission." or "ohos.permission.", or "" for other IDs.
func shortName(id string) string {
	for _, prefix := range []string{"android.permission.", "ohos.permission."} {
		if s, ok := strings.CutPrefix(id, prefix); ok {
			return s
		}
	}
	return ""
}

func (d *db) checkPermissions(c *checker) {
	const file = "permissions.json"
	for _, p := range d.permissions.items {
		c.labels(file, p.ID, map[string]Label{"label": p.Label, "description": p.Description})
		if !validOS(p.OS) {
			c.add(file, p.ID, "unknown os %q", p.OS)
		} else if !idFitsOS(p.ID, p.OS) {
			c.add(file, p.ID, "id is not a %s permission name", p.OS)
		}
		if p.Categories == nil {
			c.add(file, p.ID, "categories missing (use [] for none)")
		}
		for _, cat := range p.Categories {
			if _, ok := d.categories.index[cat]; !ok {
				c.add(file, p.ID, "unknown category %q", cat)
			}
		}
		if _, ok := d.groups.index[p.Group]; !ok {
			c.add(file, p.ID, "unknown group %q", p.Group)
		}
	}
	const gfile = "permission_groups.json"
	for _, g := range d.groups.items {
		c.labels(gfile, g.ID, map[string]Label{"label": g.Label})
		if g.Android == "" && g.IOS == "" && g.HarmonyOS == "" {
			c.add(gfile, g.ID, "no permission on any OS")
		}
		for _, os := range oses {
			id := g.For(os)
			if id == "" {
				continue
			}
			i, ok := d.permissions.index[id]
			switch {
			case !ok:
				c.add(gfile, g.ID, "unknown %s permission %q", os, id)
			case d.permissions.items[i].OS != os:
				c.add(gfile, g.ID, "%q is not a %s permission", id, os)
			}
		}
	}
}

// idFitsOS reports whether id is shaped like a permission name of os.
func idFitsOS(id, os string) bool {
	switch os {
	case OSAndroid:
		return strings.Contains(id, ".permission.") && !strings.HasPrefix(id, "ohos.")
	case OSIOS:
		return (strings.HasPrefix(id, "NS") && strings.HasSuffix(id, "UsageDescription")) ||
			strings.HasPrefix(id, "ios.framework.")
	case OSHarmonyOS:
		return strings.HasPrefix(id, "ohos.permission.")
	}
	return false
}

// indexPermissionNames builds the indexes of [LookupPermissionLoose]: IDs
// in lower case, and the short names and aliases of each group.
func (d *db) indexPermissionNames(c *checker) {
	d.permByLower = make(map[string]string, len(d.permissions.items))
	d.groupByName = make(map[string]string)
	for _, p := range d.permissions.items {
		low := strings.ToLower(p.ID)
		if other, dup := d.permByLower[low]; dup && other != p.ID {
			c.add("permissions.json", p.ID, "differs from %q only in case", other)
		}
		d.permByLower[low] = p.ID
	}
	claim := func(file, owner, name, group string) {
		tok := normalizeName(name)
		if tok == "" {
			c.add(file, owner, "name %q is empty once normalized", name)
			return
		}
		if other, dup := d.groupByName[tok]; dup && other != group {
			c.add(file, owner, "name %q already means group %q, not %q", name, other, group)
			return
		}
		d.groupByName[tok] = group
	}
	for _, g := range d.groups.items {
		claim("permission_groups.json", g.ID, g.ID, g.ID)
		for _, a := range g.Aliases {
			claim("permission_groups.json", g.ID, a, g.ID)
		}
	}
	for _, p := range d.permissions.items {
		if s := shortName(p.ID); s != "" {
			claim("permissions.json", p.ID, s, p.Group)
		}
	}
}
