// Package keys names the fields of the domain's records: the contract's
// columns carry these keys, and the domain's problems name the field they
// are about by them, so that only the contract knows tabs and headers.
package keys

import "strconv"

// 申込 (and, for ClientID and Operator, セッション).
const (
	ClientID       = "client_id"
	AppliedOn      = "applied_on"
	Company        = "company"
	Contact        = "contact_name"
	AdminEmail     = "admin_email"
	Operator       = "operator"
	ScheduledOn    = "session_scheduled_on"
	HandoverOn     = "handover_on"
	SupportAccount = "support_account"
	RequiredWork   = "required_work"
	RemainingWork  = "remaining_work"
	Progress       = "progress"
	Status         = "status"
	NextAction     = "next_action"
	Problems       = "problems"
	StatusChanged  = "status_changed_on"
)

// セッション.
const (
	HeldOn   = "held_on"
	Business = "business"
	Scale    = "business_size"
	Literacy = "it_literacy"
	Memo     = "memo"
)

// サポートアカウント.
const (
	Email           = "email"
	BusinessIDReady = "business_id_ready"
	LMessageReady   = "lmessage_ready"
	AssignedTo      = "assigned_client_id"
	AssignedOn      = "assigned_on"
)

// Cond, Confirm and Work name the fields the matrix defines: condition i
// as applied for, condition i as a session confirmed it, and work i's
// result.
func Cond(i int) string    { return "cond:" + strconv.Itoa(i) }
func Confirm(i int) string { return "confirm:" + strconv.Itoa(i) }
func Work(i int) string    { return "work:" + strconv.Itoa(i) }

// The contract's tabs, for Name.
const (
	Applications = "tab:applications"
	Sessions     = "tab:sessions"
	Pool         = "tab:support_accounts"
)

// Name stands in a message for the name of a tab (Applications, ...) or a
// column (a field key): the contract writes in the name its sheet gives
// it, so that the domain's words never spell a tab or a header.
func Name(key string) string { return "⟦" + key + "⟧" }
