package onboarding

import (
	"sort"
	"strconv"
	"strings"

	"onboard/internal/keys"
)

// assignPool gives every client that is not finished and has no support
// account the first prepared, free pool account. Clients go in order of
// application date, then ID, so the same sheet always gives the same
// result. An account once given is never taken back, and a client gets
// one at most once: not when its サポートアカウント cell holds anything,
// readable or not, nor when the pool already names it (then 申込 is
// filled from the pool).
func assignPool(in Input, out *Output) {
	byEmail := make(map[string]int, len(in.Pool))
	for i := range in.Pool {
		p := &in.Pool[i]
		if len(p.Problems) > 0 {
			out.PoolProblems[i] = append(out.PoolProblems[i], p.Problems...)
		}
		if p.Email == "" {
			continue
		}
		if prev, dup := byEmail[p.Email]; dup {
			out.PoolProblems[i] = append(out.PoolProblems[i], p.problem(keys.Email, false, "「%s」は %d行目にもあります", p.Email, in.Pool[prev].Row))
			continue
		}
		byEmail[p.Email] = i
	}

	// Pool rows by the client they are assigned to.
	byClient := indexRows(len(in.Pool), func(i int) string { return in.Pool[i].AssignedTo })

	// Accounts already in use, whether the pool records it or a manager
	// typed the address into 申込: email → clients using it.
	taken := indexRows(len(out.Clients), func(i int) string { return strings.ToLower(out.Clients[i].SupportAccount) })
	for email, first := range taken.first {
		users := []int{first} // most accounts have one user: a list on the stack
		if taken.next[first] >= 0 {
			users = taken.rows(email)
		}
		if len(users) > 1 {
			for _, u := range users {
				c := &out.Clients[u]
				c.Problems = append(c.Problems, c.App.problem(keys.SupportAccount, false, "「%s」を %d件のクライアントが使っています", email, len(users)))
			}
		}
		pi, inPool := byEmail[email]
		if !inPool {
			continue
		}
		p := &in.Pool[pi]
		c := &out.Clients[users[0]]
		switch {
		case p.AssignedTo == "" && !byClient.has(c.App.ClientID) && c.App.ClientID != "" && !c.Duplicate:
			// A client holds one pool row at most: with another already
			// assigned, that one is flagged below instead. A duplicated ID
			// names no one client: it waits until the ID is fixed.
			out.Assignments = append(out.Assignments, Assignment{Client: users[0], Pool: pi, Manual: true})
			byClient.first[c.App.ClientID] = pi // a pool row assigned to no one: next[pi] is -1
		case p.AssignedTo != c.App.ClientID && len(users) == 1:
			c.Problems = append(c.Problems, c.App.problem(keys.SupportAccount, false, "「%s」は"+keys.Name(keys.Pool)+"表で %s に割り当てられています", email, p.AssignedTo))
		}
	}
	sort.Slice(out.Assignments, func(i, j int) bool { return out.Assignments[i].Pool < out.Assignments[j].Pool })

	var free []int
	for i := range in.Pool {
		p := &in.Pool[i]
		if p.Prepared() && p.AssignedTo == "" && !taken.has(p.Email) && byEmail[p.Email] == i && !blocking(p.Problems) {
			free = append(free, i)
		}
	}

	var want []int
	for i := range out.Clients {
		c := &out.Clients[i]
		if c.SupportAccount != "" || c.App.SupportAccountTyped || c.Duplicate || c.App.ClientID == "" {
			continue
		}
		if row, ok := byClient.first[c.App.ClientID]; ok {
			// The pool says this client has an account and 申込 is blank:
			// fill it from the pool rather than give a second one.
			p := &in.Pool[row]
			if p.Email != "" && byEmail[p.Email] == row && !taken.has(p.Email) {
				c.SupportAccount = p.Email
				taken.first[p.Email] = i // a client using no account: next[i] is -1
				out.Assignments = append(out.Assignments, Assignment{Client: i, Pool: row})
			}
			continue
		}
		if !finished(c) {
			want = append(want, i)
		}
	}
	sort.SliceStable(want, func(x, y int) bool {
		a, b := out.Clients[want[x]].App, out.Clients[want[y]].App
		if a.AppliedOn != b.AppliedOn {
			if a.AppliedOn.IsZero() || b.AppliedOn.IsZero() {
				return !a.AppliedOn.IsZero() // undated applications go last
			}
			return a.AppliedOn < b.AppliedOn
		}
		return lessID(a.ClientID, b.ClientID)
	})
	for _, ci := range want {
		c := &out.Clients[ci]
		if len(free) == 0 {
			out.Unassigned++
			if len(in.Pool) == 0 {
				continue // a team without a pool tab assigns by hand
			}
			c.Problems = append(c.Problems, c.App.problem(keys.SupportAccount, false, "準備済みの空きアカウントがありません（%s表に追加してください）", keys.Name(keys.Pool)))
			continue
		}
		pi := free[0]
		free = free[1:]
		c.SupportAccount = in.Pool[pi].Email
		out.Assignments = append(out.Assignments, Assignment{Client: ci, Pool: pi})
	}
	out.PoolLeft = len(free)
	out.PoolLow = out.PoolLeft < in.PoolLowWater
	flagStrayAssignments(in, out, byClient)
}

// flagStrayAssignments notes the pool rows assigned to a client that
// holds another account, or that holds one pool row already: the pool
// and 申込 must agree, and a manager decides which is right.
func flagStrayAssignments(in Input, out *Output, byClient rowsByKey) {
	// Each pool row names one client: each client's rows are its own,
	// whatever the order the clients are taken in.
	for i := range out.Clients {
		c := &out.Clients[i]
		id := c.App.ClientID
		if id == "" || c.Duplicate {
			continue
		}
		first, ok := byClient.first[id]
		if !ok {
			continue
		}
		rows := []int{first} // most clients hold one row: a list on the stack
		if byClient.next[first] >= 0 {
			rows = byClient.rows(id)
		}
		held := -1 // the pool row the client holds
		for _, pi := range rows {
			if c.SupportAccount != "" && strings.EqualFold(in.Pool[pi].Email, c.SupportAccount) {
				held = pi
			}
		}
		if held < 0 && c.SupportAccount == "" {
			held = rows[0] // 申込 is blank or unreadable: the first is the one
		}
		for _, pi := range rows {
			if pi == held {
				continue
			}
			p := &in.Pool[pi]
			pr := p.problem(keys.AssignedTo, false, "%s の"+keys.Name(keys.Applications)+"の"+keys.Name(keys.SupportAccount)+"は「%s」です: このアカウントの割当を見直してください", id, c.SupportAccount)
			if c.SupportAccount == "" {
				pr = p.problem(keys.AssignedTo, false, "%s には %d行目のアカウントも割り当てられています: 割当を見直してください", id, in.Pool[held].Row)
			}
			out.PoolProblems[pi] = append(out.PoolProblems[pi], pr)
		}
	}
}

// finished reports whether the client needs no support account any more:
// all works done and handed over. Status is not decided yet at this point.
func finished(c *Client) bool {
	done, required := c.Counts()
	return c.Needs != nil && done == required && !c.App.HandoverOn.IsZero() && !c.Blocking()
}

func blocking(ps []Problem) bool {
	for _, p := range ps {
		if p.Blocking {
			return true
		}
	}
	return false
}

// lessID orders client IDs numerically when both are numbers, so 9999
// comes before 10001.
func lessID(a, b string) bool {
	na, errA := strconv.ParseUint(a, 10, 64)
	nb, errB := strconv.ParseUint(b, 10, 64)
	if errA == nil && errB == nil {
		return na < nb
	}
	if (errA == nil) != (errB == nil) {
		return errA == nil
	}
	return a < b
}
