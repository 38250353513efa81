package gsheets

import (
	"strconv"
	"strings"

	"google.golang.org/api/sheets/v4"

	"onboard/internal/sheet"
)

// formattedKey is the developer metadata on a sheet that says onboard
// formatted its columns: init reads it in the same get as the frozen rows
// and formats a tab only once.
const formattedKey = "onboard.formatted"

// formatRequests are a FormatColumns step as Sheets API requests: a width
// per column (updateDimensionProperties), wrap and date number format on
// rows 2 down (repeatCell with only those fields, so a cell's other format
// stays), a conditional rule per status colour, and the marker.
func formatRequests(sheetID int64, st sheet.SetupStep) []*sheets.Request {
	var reqs []*sheets.Request
	for _, f := range st.Formats {
		c0, c1 := int64(f.Col-1), int64(f.Col)
		rows := &sheets.GridRange{SheetId: sheetID, StartRowIndex: 1, StartColumnIndex: c0, EndColumnIndex: c1,
			ForceSendFields: []string{"SheetId", "StartColumnIndex"}}
		if f.Width > 0 {
			reqs = append(reqs, &sheets.Request{UpdateDimensionProperties: &sheets.UpdateDimensionPropertiesRequest{
				Range: &sheets.DimensionRange{SheetId: sheetID, Dimension: "COLUMNS", StartIndex: c0, EndIndex: c1,
					ForceSendFields: []string{"SheetId", "StartIndex"}},
				Properties: &sheets.DimensionProperties{PixelSize: int64(sheet.WidthPixels(f.Width))},
				Fields:     "pixelSize",
			}})
		}
		var format sheets.CellFormat
		var fields []string
		if f.Wrap {
			format.WrapStrategy = "WRAP"
			fields = append(fields, "userEnteredFormat.wrapStrategy")
		}
		if f.Date {
			format.NumberFormat = &sheets.NumberFormat{Type: "DATE", Pattern: sheet.DateFormat}
			fields = append(fields, "userEnteredFormat.numberFormat")
		}
		if len(fields) > 0 {
			reqs = append(reqs, &sheets.Request{RepeatCell: &sheets.RepeatCellRequest{
				Range: rows, Cell: &sheets.CellData{UserEnteredFormat: &format}, Fields: strings.Join(fields, ","),
			}})
		}
		for _, value := range f.ColorOrder {
			reqs = append(reqs, &sheets.Request{AddConditionalFormatRule: &sheets.AddConditionalFormatRuleRequest{
				Rule: &sheets.ConditionalFormatRule{
					Ranges: []*sheets.GridRange{rows},
					BooleanRule: &sheets.BooleanRule{
						Condition: &sheets.BooleanCondition{Type: "TEXT_EQ", Values: []*sheets.ConditionValue{{UserEnteredValue: value}}},
						Format:    &sheets.CellFormat{BackgroundColor: rgb(f.Colors[value])},
					},
				},
				Index:           0,
				ForceSendFields: []string{"Index"},
			}})
		}
	}
	if st.Mark {
		reqs = append(reqs, &sheets.Request{CreateDeveloperMetadata: &sheets.CreateDeveloperMetadataRequest{
			DeveloperMetadata: &sheets.DeveloperMetadata{
				MetadataKey: formattedKey, MetadataValue: "1", Visibility: "DOCUMENT",
				Location: &sheets.DeveloperMetadataLocation{SheetId: sheetID, ForceSendFields: []string{"SheetId"}},
			},
		}})
	}
	return reqs
}

// rgb converts RRGGBB to a Sheets colour (white for a malformed one: the
// report's layout validates its colours on load).
func rgb(hex string) *sheets.Color {
	v, err := strconv.ParseUint(hex, 16, 32)
	if err != nil || len(hex) != 6 {
		return &sheets.Color{Red: 1, Green: 1, Blue: 1}
	}
	ch := func(shift uint) float64 { return float64((v>>shift)&0xFF) / 255 }
	return &sheets.Color{Red: ch(16), Green: ch(8), Blue: ch(0), ForceSendFields: []string{"Red", "Green", "Blue"}}
}
