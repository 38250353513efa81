// Package contract is the sheet contract: which tabs and headers the job
// reads and writes, how headers are found by name, and how rows become the
// domain's records, with every unreadable cell turned into a problem that
// names its tab, row and column.
package contract

import (
	"onboard/internal/keys"
	"onboard/internal/matrix"
)

// Owner says who may write a column.
type Owner uint8

const (
	Manager Owner = iota // managers only; the job never writes it
	Job                  // the job's status columns; added when missing
	Fill                 // managers' column the job fills while blank; added when missing
)

// Type is what a column holds.
type Type uint8

const (
	TextCol Type = iota
	DateCol
	YesNoCol
	EmailCol
	IDCol
	ResultCol
	LiteracyCol
)

// Column is one header of the contract.
type Column struct {
	Key      string
	Name     string // the Japanese header
	Alias    string // the English alias
	Type     Type
	Required bool // a missing header stops the run
	Owner    Owner
	// Origin names where a matrix-driven column is defined.
	Origin string
}

// Tab is one tab of the contract.
type Tab struct {
	Key      string
	Name     string
	Alias    string
	Required bool
	Columns  []Column
}

// Column keys: the fields of the domain's records (package keys).
const (
	KeyClientID        = keys.ClientID
	KeyAppliedOn       = keys.AppliedOn
	KeyCompany         = keys.Company
	KeyContact         = keys.Contact
	KeyAdminEmail      = keys.AdminEmail
	KeyOperator        = keys.Operator
	KeyScheduledOn     = keys.ScheduledOn
	KeyHandoverOn      = keys.HandoverOn
	KeySupportAccount  = keys.SupportAccount
	KeyRequiredWork    = keys.RequiredWork
	KeyRemainingWork   = keys.RemainingWork
	KeyProgress        = keys.Progress
	KeyStatus          = keys.Status
	KeyNextAction      = keys.NextAction
	KeyProblems        = keys.Problems
	KeyStatusChanged   = keys.StatusChanged
	KeyHeldOn          = keys.HeldOn
	KeyBusiness        = keys.Business
	KeyScale           = keys.Scale
	KeyLiteracy        = keys.Literacy
	KeyMemo            = keys.Memo
	KeyEmail           = keys.Email
	KeyBusinessIDReady = keys.BusinessIDReady
	KeyLMessageReady   = keys.LMessageReady
	KeyAssignedTo      = keys.AssignedTo
	KeyAssignedOn      = keys.AssignedOn
)

// Tab keys.
const (
	TabApplications = "applications"
	TabSessions     = "sessions"
	TabPool         = "support_accounts"
)

// CondKey, ConfirmKey and WorkKey name the matrix-driven columns.
func CondKey(i int) string    { return keys.Cond(i) }
func ConfirmKey(i int) string { return keys.Confirm(i) }
func WorkKey(i int) string    { return keys.Work(i) }

// Tabs returns the contract for a matrix: its conditions become 申込 and
// 確認: columns, its works become セッション columns.
func Tabs(m *matrix.Matrix) []Tab {
	apps := Tab{Key: TabApplications, Name: "申込", Alias: "applications", Required: true}
	apps.Columns = []Column{
		{Key: KeyClientID, Name: "クライアントID", Alias: "client_id", Type: IDCol, Required: true},
		{Key: KeyAppliedOn, Name: "申込日", Alias: "applied_on", Type: DateCol},
		{Key: KeyCompany, Name: "事業者名", Alias: "company", Required: true},
		{Key: KeyContact, Name: "担当者名", Alias: "contact_name"},
		{Key: KeyAdminEmail, Name: "管理メールアドレス", Alias: "admin_email", Type: EmailCol},
	}
	for i, c := range m.Conditions {
		apps.Columns = append(apps.Columns, Column{Key: CondKey(i), Name: c.Name, Alias: c.Alias, Type: YesNoCol, Required: true, Origin: c.Origin})
	}
	apps.Columns = append(apps.Columns,
		Column{Key: KeyOperator, Name: "担当オペレーター", Alias: "operator"},
		Column{Key: KeyScheduledOn, Name: "セッション予定日", Alias: "session_scheduled_on", Type: DateCol},
		Column{Key: KeyHandoverOn, Name: "担当作業完了日", Alias: "handover_on", Type: DateCol},
		Column{Key: KeySupportAccount, Name: "サポートアカウント", Alias: "support_account", Type: EmailCol, Owner: Fill},
		Column{Key: KeyRequiredWork, Name: "必要作業", Alias: "required_work", Owner: Job},
		Column{Key: KeyRemainingWork, Name: "残作業", Alias: "remaining_work", Owner: Job},
		Column{Key: KeyProgress, Name: "進捗", Alias: "progress", Owner: Job},
		Column{Key: KeyStatus, Name: "ステータス", Alias: "status", Owner: Job},
		Column{Key: KeyNextAction, Name: "次のアクション", Alias: "next_action", Owner: Job},
		Column{Key: KeyProblems, Name: "チェック", Alias: "problems", Owner: Job},
		Column{Key: KeyStatusChanged, Name: "ステータス更新日", Alias: "status_changed_on", Type: DateCol, Owner: Job},
	)

	sessions := Tab{Key: TabSessions, Name: "セッション", Alias: "sessions", Required: true}
	sessions.Columns = []Column{
		{Key: KeyClientID, Name: "クライアントID", Alias: "client_id", Type: IDCol, Required: true},
		{Key: KeyHeldOn, Name: "実施日", Alias: "held_on", Type: DateCol, Required: true},
		{Key: KeyOperator, Name: "オペレーター", Alias: "operator"},
	}
	for i, c := range m.Conditions {
		sessions.Columns = append(sessions.Columns, Column{Key: ConfirmKey(i), Name: c.SessionHeader(), Alias: c.SessionAlias(), Type: YesNoCol})
	}
	for i, w := range m.Works {
		sessions.Columns = append(sessions.Columns, Column{Key: WorkKey(i), Name: w.Name, Alias: w.Alias, Type: ResultCol, Required: true, Origin: w.Origin})
	}
	sessions.Columns = append(sessions.Columns,
		Column{Key: KeyBusiness, Name: "事業内容", Alias: "business"},
		Column{Key: KeyScale, Name: "事業規模", Alias: "business_size"},
		Column{Key: KeyLiteracy, Name: "ITリテラシー", Alias: "it_literacy", Type: LiteracyCol},
		Column{Key: KeyMemo, Name: "メモ", Alias: "memo"},
		Column{Key: KeyProblems, Name: "チェック", Alias: "problems", Owner: Job},
	)

	pool := Tab{Key: TabPool, Name: "サポートアカウント", Alias: "support_accounts"}
	pool.Columns = []Column{
		{Key: KeyEmail, Name: "メールアドレス", Alias: "email", Type: EmailCol, Required: true},
		{Key: KeyBusinessIDReady, Name: "LINEビジネスID作成済", Alias: "business_id_ready", Type: YesNoCol, Required: true},
		{Key: KeyLMessageReady, Name: "エルメアカウント作成済", Alias: "lmessage_ready", Type: YesNoCol, Required: true},
		{Key: KeyAssignedTo, Name: "割当クライアントID", Alias: "assigned_client_id", Type: IDCol, Owner: Fill},
		{Key: KeyAssignedOn, Name: "割当日", Alias: "assigned_on", Type: DateCol, Owner: Fill},
		{Key: KeyProblems, Name: "チェック", Alias: "problems", Owner: Job},
	}
	return []Tab{apps, sessions, pool}
}

// KeyColumns are the columns that identify a row at write time.
func (t *Tab) KeyColumns() []string {
	switch t.Key {
	case TabApplications:
		return []string{KeyClientID, KeyCompany}
	case TabSessions:
		return []string{KeyClientID, KeyHeldOn}
	case TabPool:
		return []string{KeyEmail}
	}
	return nil
}
