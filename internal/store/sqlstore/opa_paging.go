package sqlstore

import (
	"database/sql"
	"fmt"
	"strings"

	"github.com/keyward/keyward/internal/store"
)

// paged appends a page's filter, key condition, order and limit to query, whose WHERE clause is
// already open, numbering placeholders after args. nameCol is "" for lists without names.
func paged(query string, args []any, p store.Page, nameCol, idCol string) (string, []any) {
	key := nameCol
	if p.OrderByID || nameCol == "" {
		key = idCol
	}
	var b strings.Builder
	b.WriteString(query)
	if p.Contains != "" && nameCol != "" {
		args = append(args, "%"+escapeLike(strings.ToLower(p.Contains))+"%")
		fmt.Fprintf(&b, ` AND LOWER(%s) LIKE $%d ESCAPE '\'`, nameCol, len(args))
	}
	if p.IDs != nil {
		if len(p.IDs) == 0 {
			b.WriteString(" AND 1 = 0")
		} else {
			var marks string
			marks, args = inList(args, p.IDs)
			fmt.Fprintf(&b, " AND %s IN (%s)", idCol, marks)
		}
	}
	cmp, dir := ">", "ASC"
	if p.Descending {
		cmp, dir = "<", "DESC"
	}
	if p.After != "" {
		args = append(args, p.After)
		fmt.Fprintf(&b, " AND %s %s $%d", key, cmp, len(args))
	}
	fmt.Fprintf(&b, " ORDER BY %s %s", key, dir)
	if p.Limit > 0 {
		args = append(args, p.Limit)
		fmt.Fprintf(&b, " LIMIT $%d", len(args))
	}
	return b.String(), args
}

// equalFilters appends " AND col = $n" to b for each {col, value} filter with a value,
// numbering placeholders after args, and returns args with those values appended.
func equalFilters(b *strings.Builder, args []any, filters [][2]string) []any {
	for _, f := range filters {
		if f[1] != "" {
			args = append(args, f[1])
			fmt.Fprintf(b, " AND %s = $%d", f[0], len(args))
		}
	}
	return args
}

// escapeLike makes s match itself literally inside a LIKE pattern escaped by '\'.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// inList returns "$n, $n+1, …" for values numbered after args, and args with values appended.
func inList(args []any, values []string) (string, []any) {
	marks := make([]string, len(values))
	for i, v := range values {
		args = append(args, v)
		marks[i] = fmt.Sprintf("$%d", len(args))
	}
	return strings.Join(marks, ", "), args
}

// nullBool and nullInt map nullable columns to pointers.
func nullBool(v sql.NullBool) *bool {
	if !v.Valid {
		return nil
	}
	b := v.Bool
	return &b
}

func nullInt(v sql.NullInt64) *int64 {
	if !v.Valid {
		return nil
	}
	i := v.Int64
	return &i
}

// conflict is store.ErrConflict with context.
func conflict(what string) error { return fmt.Errorf("%s: %w", what, store.ErrConflict) }
