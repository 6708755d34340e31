package matching

import (
	"errors"
	"fmt"
)

// ErrInvalidWeight: a configured weight is out of range (see WeightError).
var ErrInvalidWeight = errors.New("invalid matching weight")

// WeightError names the component whose weight is out of range; it is ErrInvalidWeight.
type WeightError struct{ Component string }

func (e *WeightError) Error() string {
	return fmt.Sprintf("weight %s must be between 0 and 100", e.Component)
}

func (e *WeightError) Is(target error) bool { return target == ErrInvalidWeight }

// WeightChanges are the weights an admin sets; nil keeps the configured (or default) value.
type WeightChanges struct {
	Experience, Tasks, Skills, Wage, Commute, Availability, Compliance, History *float64
}

// maxWeight bounds a configured weight: Score normalises by the sum, so only ratios matter, and
// 0..100 lets admins think in percentages.
const maxWeight = 100

// ApplyWeights returns the agency configuration cfg with changes applied, leaving cfg untouched.
// Components are checked in a fixed order, so the first bad one is the one reported.
func ApplyWeights(cfg map[string]float64, changes WeightChanges) (map[string]float64, error) {
	out := make(map[string]float64, len(cfg)+8)
	for k, v := range cfg {
		out[k] = v
	}
	for _, c := range []struct {
		name string
		val  *float64
	}{
		{ComponentExperience, changes.Experience}, {ComponentTasks, changes.Tasks}, {ComponentSkills, changes.Skills},
		{ComponentWage, changes.Wage}, {ComponentCommute, changes.Commute}, {ComponentAvailability, changes.Availability},
		{ComponentCompliance, changes.Compliance}, {ComponentHistory, changes.History},
	} {
		if c.val == nil {
			continue
		}
		if *c.val < 0 || *c.val > maxWeight {
			return nil, &WeightError{Component: c.name}
		}
		out[c.name] = *c.val
	}
	return out, nil
}
