package matrix

import "onboard/templates"

func openDefault() ([]byte, string, error) { return templates.Open("", "matrix.csv") }
