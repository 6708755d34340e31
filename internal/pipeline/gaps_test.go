package pipeline

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/example/staffcrm/internal/invalid"
)

func fieldOf(err error) string {
	var ie *invalid.Error
	if errors.As(err, &ie) {
		return ie.Field
	}
	return ""
}

func TestCheckMeeting(t *testing.T) {
	now := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
	ok := MeetingPlan{At: now.Add(time.Hour), Place: " 本社 3階 ", Attendees: []string{" 総務課 山田様 "}}
	got, err := CheckMeeting(ok, now)
	if err != nil || got.Place != "本社 3階" || got.Attendees[0] != "総務課 山田様" {
		t.Fatalf("%+v %v", got, err)
	}
	for want, m := range map[string]MeetingPlan{
		"at":        {At: now, Place: "本社"},
		"place":     {At: now.Add(time.Hour), Place: " "},
		"attendees": {At: now.Add(time.Hour), Place: "本社", Attendees: []string{""}},
		"note":      {At: now.Add(time.Hour), Place: "本社", Note: strings.Repeat("あ", 2001)},
	} {
		if _, err := CheckMeeting(m, now); fieldOf(err) != want {
			t.Errorf("want %s refused, got %v", want, err)
		}
	}
	eleven := MeetingPlan{At: now.Add(time.Hour), Place: "本社", Attendees: strings.Fields("a b c d e f g h i j k")}
	if _, err := CheckMeeting(eleven, now); fieldOf(err) != "attendees" {
		t.Errorf("eleven attendees: %v", err)
	}
}

func TestCheckTermination(t *testing.T) {
	d := func(s string) time.Time { v, _ := time.Parse(time.DateOnly, s); return v }
	start, end := d("2026-04-01"), d("2026-09-30")
	ok := Termination{LastDay: d("2026-06-30"), By: "CLIENT", Reason: " 事業縮小 ", Measures: "別の就業先を紹介"}
	got, err := CheckTermination(ok, start, end)
	if err != nil || got.Reason != "事業縮小" {
		t.Fatalf("%+v %v", got, err)
	}
	for _, c := range []struct {
		want   string
		change func(*Termination)
	}{
		{"lastDay", func(x *Termination) { x.LastDay = d("2026-03-31") }},
		{"lastDay", func(x *Termination) { x.LastDay = end }}, // ending on the planned end is no early termination
		{"by", func(x *Termination) { x.By = "NOBODY" }},
		{"reason", func(x *Termination) { x.Reason = " " }},
		{"measures", func(x *Termination) { x.Measures = "" }},
	} {
		x := ok
		c.change(&x)
		if _, err := CheckTermination(x, start, end); fieldOf(err) != c.want {
			t.Errorf("want %s refused, got %v", c.want, err)
		}
	}
	// The first day itself may be the last one (ended on day one).
	x := ok
	x.LastDay = start
	if _, err := CheckTermination(x, start, end); err != nil {
		t.Errorf("ended on the first day: %v", err)
	}
}
