using System.Globalization;
using System.Linq.Expressions;
using System.Reflection;
using System.Text;
using DicomWeb.Dicom;
using DicomWeb.Storage.Index;
using DicomWeb.Storage.Ingest;
using Microsoft.EntityFrameworkCore;

namespace DicomWeb.Storage.Query;

/// <summary>
/// Translates matching keys into EF Core predicates over the index, so that each search is one SQL statement that
/// the database answers from its indexes. Query values always enter the SQL as parameters (never as literals), which
/// keeps EF Core's compiled-query cache small and the statements injection-free.
/// </summary>
/// <remarks>
/// Wildcards: on SQLite, <c>GLOB</c> (case-sensitive like DICOM matching, and able to use an index for a fixed
/// prefix); elsewhere <c>LIKE</c> with an escape character. Person names match the folded column with a folded value
/// unless names are configured case-sensitive. Keys of a level below the searched one (e.g. Modality when searching
/// studies) match when any record below matches (EXISTS).
/// </remarks>
public sealed class SearchFilters
{
    private const string EarliestTime = "000000.000000";
    private const string LatestTime = "235959.999999";
    private static readonly MethodInfo GlobMethod = typeof(SqliteDbFunctionsExtensions).GetMethod(nameof(SqliteDbFunctionsExtensions.Glob))!;
    private static readonly MethodInfo LikeMethod = typeof(DbFunctionsExtensions).GetMethod(nameof(DbFunctionsExtensions.Like),
        [typeof(DbFunctions), typeof(string), typeof(string), typeof(string)])!;
    private static readonly MethodInfo StringCompare = typeof(string).GetMethod(nameof(string.Compare), [typeof(string), typeof(string)])!;
    private static readonly MethodInfo StringConcat = typeof(string).GetMethod(nameof(string.Concat), [typeof(string), typeof(string)])!;
    private static readonly MethodInfo StringReplace = typeof(string).GetMethod(nameof(string.Replace), [typeof(string), typeof(string)])!;
    private static readonly MethodInfo StringSubstring = typeof(string).GetMethod(nameof(string.Substring), [typeof(int)])!;
    private static readonly PropertyInfo StringLength = typeof(string).GetProperty(nameof(string.Length))!;
    private static readonly MethodInfo ContainsString = typeof(Enumerable).GetMethods()
        .Single(m => m.Name == nameof(Enumerable.Contains) && m.GetParameters().Length == 2).MakeGenericMethod(typeof(string));
    private static readonly MethodInfo ContainsInt = typeof(Enumerable).GetMethods()
        .Single(m => m.Name == nameof(Enumerable.Contains) && m.GetParameters().Length == 2).MakeGenericMethod(typeof(int?));

    private readonly bool _glob;
    private readonly SearchOptions _options;

    /// <summary>Creates filters for a database: <paramref name="sqlite"/> selects GLOB over LIKE for wildcards.</summary>
    public SearchFilters(bool sqlite, SearchOptions options)
    {
        _glob = sqlite;
        _options = options;
    }

    /// <summary>Filters for the database behind <paramref name="db"/>.</summary>
    public static SearchFilters For(DicomIndexContext db, SearchOptions options) =>
        new(db.Database.ProviderName == "Microsoft.EntityFrameworkCore.Sqlite", options);

    /// <summary>The studies matching every condition of the query.</summary>
    public IQueryable<StudyRecord> Apply(IQueryable<StudyRecord> studies, SearchQuery query)
    {
        foreach (var condition in query.Conditions) studies = studies.Where(Lift<StudyRecord>(condition, IndexEntity.Study));
        return studies;
    }

    /// <summary>The series matching every condition of the query.</summary>
    public IQueryable<SeriesRecord> Apply(IQueryable<SeriesRecord> series, SearchQuery query)
    {
        foreach (var condition in query.Conditions) series = series.Where(Lift<SeriesRecord>(condition, IndexEntity.Series));
        return series;
    }

    /// <summary>The instances matching every condition of the query.</summary>
    public IQueryable<InstanceRecord> Apply(IQueryable<InstanceRecord> instances, SearchQuery query)
    {
        foreach (var condition in query.Conditions) instances = instances.Where(Lift<InstanceRecord>(condition, IndexEntity.Instance));
        return instances;
    }

    /// <summary>The condition as a predicate over the searched records (<typeparamref name="TRoot"/> at <paramref name="root"/>).</summary>
    private Expression<Func<TRoot, bool>> Lift<TRoot>(QueryCondition condition, IndexEntity root)
    {
        var (entity, predicate) = EntityPredicate(condition);
        var parameter = Expression.Parameter(typeof(TRoot), "r");
        if (entity <= root)
            return Expression.Lambda<Func<TRoot, bool>>(Replace(predicate, Navigate(parameter, root, entity)), parameter);

        // A key below the searched level: some record below must match.
        Expression body = (root, entity) switch
        {
            (IndexEntity.Study, IndexEntity.Series) => AnyOf(Expression.Property(parameter, nameof(StudyRecord.Series)), predicate),
            (IndexEntity.Study, IndexEntity.Instance) => AnyOf(Expression.Property(parameter, nameof(StudyRecord.Series)),
                SeriesHavingInstance(predicate)),
            (IndexEntity.Series, IndexEntity.Instance) => AnyOf(Expression.Property(parameter, nameof(SeriesRecord.Instances)), predicate),
            _ => throw new InvalidOperationException($"cannot match {entity} attributes from {root}"),
        };
        return Expression.Lambda<Func<TRoot, bool>>(body, parameter);
    }

    private static LambdaExpression SeriesHavingInstance(LambdaExpression instancePredicate)
    {
        var series = Expression.Parameter(typeof(SeriesRecord), "se");
        return Expression.Lambda(AnyOf(Expression.Property(series, nameof(SeriesRecord.Instances)), instancePredicate), series);
    }

    private static MethodCallExpression AnyOf(Expression collection, LambdaExpression predicate)
    {
        var type = predicate.Parameters[0].Type;
        var any = typeof(Enumerable).GetMethods().Single(m => m.Name == nameof(Enumerable.Any) && m.GetParameters().Length == 2).MakeGenericMethod(type);
        return Expression.Call(any, collection, predicate);
    }

    /// <summary>Walks up from the searched record to the record holding the attribute.</summary>
    private static Expression Navigate(Expression record, IndexEntity from, IndexEntity to)
    {
        while (from > to)
        {
            record = from switch
            {
                IndexEntity.Instance => Expression.Property(record, nameof(InstanceRecord.Series)),
                IndexEntity.Series => Expression.Property(record, nameof(SeriesRecord.Study)),
                _ => Expression.Property(record, nameof(StudyRecord.Patient)),
            };
            from--;
        }
        return record;
    }

    /// <summary>The condition as a predicate over the table that holds the attribute.</summary>
    private (IndexEntity Entity, LambdaExpression Predicate) EntityPredicate(QueryCondition condition)
    {
        var attribute = condition.Attribute;
        switch (attribute.Match)
        {
            case MatchType.ModalitiesInStudy:
            {
                Expression<Func<SeriesRecord, string?>> modality = s => s.Modality;
                return (IndexEntity.Study, StudyHaving(nameof(StudyRecord.Series), OnColumn(modality, condition.Matcher, attribute)));
            }
            case MatchType.SopClassesInStudy:
            {
                Expression<Func<InstanceRecord, string>> sopClass = i => i.SopClassUid;
                return (IndexEntity.Study, StudyHaving(nameof(StudyRecord.Series), SeriesHavingInstance(OnColumn(sopClass, condition.Matcher, attribute))));
            }
            case MatchType.PersonName when !_options.CaseSensitivePersonNames || condition.Matcher is FuzzyNameMatch:
                return (attribute.Entity, OnColumn(attribute.FoldedColumn!, condition.Matcher, attribute));
            default:
                return (attribute.Entity, OnColumn(attribute.Column!, condition.Matcher, attribute));
        }
    }

    private static LambdaExpression StudyHaving(string collection, LambdaExpression predicate)
    {
        var study = Expression.Parameter(typeof(StudyRecord), "s");
        return Expression.Lambda(AnyOf(Expression.Property(study, collection), predicate), study);
    }

    private LambdaExpression OnColumn(LambdaExpression column, Matcher matcher, QueryAttribute attribute)
    {
        var parameter = column.Parameters[0];
        var value = column.Body;
        Expression body = matcher switch
        {
            SingleValueMatch single when attribute.Match == MatchType.PersonName => PersonNameEquals(value, NameValue(single.Value)),
            SingleValueMatch single => Expression.Equal(value, Parameter(single.Value)),
            ListMatch list => Expression.Call(ContainsString, Parameter(list.Values.ToArray()), value),
            WildcardMatch wildcard => Pattern(value, attribute.Match == MatchType.PersonName ? NameValue(wildcard.Pattern) : wildcard.Pattern),
            IntegerMatch integers => Expression.Call(ContainsInt, Parameter(integers.Values.Select(v => (int?)v).ToArray()), value),
            DateRangeMatch dates => DateRange(value, dates.Range),
            TimeRangeMatch times => TimeRange(value, times.Range),
            DateTimeRangeMatch dateTime => DateTimeRange(value, Replace(dateTime.TimeAttribute.Column!, parameter), dateTime),
            FuzzyNameMatch fuzzy => FuzzyName(value, fuzzy),
            _ => throw new InvalidOperationException($"no predicate for {matcher}"),
        };
        return Expression.Lambda(body, parameter);
    }

    private string NameValue(string value) => _options.CaseSensitivePersonNames ? value : IndexAttributes.Fold(value)!;

    /// <summary>Equal, or equal in the alphabetic group of a name that also has ideographic or phonetic groups.</summary>
    private Expression PersonNameEquals(Expression column, string value)
    {
        var equal = Expression.Equal(column, Parameter(value));
        if (value.Contains('=')) return equal;
        return Expression.OrElse(equal, PatternCall(column, LiteralPattern(value) + (_glob ? "=*" : "=%")));
    }

    private Expression Pattern(Expression column, string dicomPattern) => PatternCall(column, WildcardPattern(dicomPattern));

    private Expression PatternCall(Expression column, string providerPattern)
    {
        var functions = Expression.Property(null, typeof(EF), nameof(EF.Functions));
        return _glob
            ? Expression.Call(GlobMethod, functions, column, Parameter(providerPattern))
            : Expression.Call(LikeMethod, functions, column, Parameter(providerPattern), Expression.Constant("\\"));
    }

    /// <summary>A DICOM pattern (<c>*</c>, <c>?</c>) as a GLOB or LIKE pattern, other characters taken literally.</summary>
    internal string WildcardPattern(string dicomPattern)
    {
        var builder = new StringBuilder(dicomPattern.Length + 8);
        foreach (var c in dicomPattern)
        {
            if (c == '*') builder.Append(_glob ? '*' : '%');
            else if (c == '?') builder.Append(_glob ? '?' : '_');
            else AppendLiteral(builder, c);
        }
        return builder.ToString();
    }

    /// <summary>Text matched literally inside a GLOB or LIKE pattern.</summary>
    internal string LiteralPattern(string text)
    {
        var builder = new StringBuilder(text.Length + 8);
        foreach (var c in text) AppendLiteral(builder, c);
        return builder.ToString();
    }

    private void AppendLiteral(StringBuilder builder, char c)
    {
        if (_glob)
        {
            if (c is '*' or '?' or '[') builder.Append('[').Append(c).Append(']');
            else builder.Append(c);
        }
        else
        {
            if (c is '%' or '_' or '\\') builder.Append('\\');
            builder.Append(c);
        }
    }

    /// <summary>Every word must begin a word of the folded name: " " + name with delimiters as spaces, searched for " " + word.</summary>
    private Expression FuzzyName(Expression folded, FuzzyNameMatch fuzzy)
    {
        Expression words = folded;
        foreach (var delimiter in new[] { "^", "=", "-" })
            words = Expression.Call(words, StringReplace, Expression.Constant(delimiter), Expression.Constant(" "));
        words = Expression.Call(StringConcat, Expression.Constant(" "), words);
        Expression? all = null;
        foreach (var word in fuzzy.Words)
        {
            var pattern = _glob ? "* " + WildcardPattern(word) + "*" : "% " + WildcardPattern(word) + "%";
            var condition = PatternCall(words, pattern);
            all = all == null ? condition : Expression.AndAlso(all, condition);
        }
        return Expression.AndAlso(Expression.NotEqual(folded, Expression.Constant(null, typeof(string))), all!);
    }

    /// <summary>YYYYMMDD strings compare like the dates they hold, so a range is two comparisons the index answers.</summary>
    private static Expression DateRange(Expression column, DicomDateRange range)
    {
        if (!range.IsRange) return Expression.Equal(column, Parameter(range.Start!.Value.ToString()));
        Expression? result = null;
        if (range.Start is { } start) result = Compare(column, ExpressionType.GreaterThanOrEqual, Parameter(start.ToString()));
        if (range.End is { } end)
        {
            var upper = Compare(column, ExpressionType.LessThanOrEqual, Parameter(end.ToString()));
            result = result == null ? upper : Expression.AndAlso(result, upper);
        }
        return result!;
    }

    /// <summary>
    /// A stored TM covers a span ("10" is the whole hour): it matches when the span overlaps the range. The span's ends
    /// are the stored text padded to HHMMSS.FFFFFF with zeros (earliest) or with 59s and 9s (latest), computed in SQL.
    /// </summary>
    private static Expression TimeRange(Expression column, DicomTimeRange range) =>
        Expression.AndAlso(Expression.NotEqual(column, Expression.Constant(null, typeof(string))),
            Expression.AndAlso(
                Compare(Padded(column, LatestTime), ExpressionType.GreaterThanOrEqual, Parameter(FormatTime(range.Earliest))),
                Compare(Padded(column, EarliestTime), ExpressionType.LessThanOrEqual, Parameter(FormatTime(range.Latest)))));

    /// <summary>
    /// Date and time together as YYYYMMDDHHMMSS.FFFFFF text, a missing time covering the whole day; the plain date
    /// range is checked first so that the date index narrows the rows.
    /// </summary>
    private static Expression DateTimeRange(Expression date, Expression time, DateTimeRangeMatch match)
    {
        var result = DateRange(date, match.Dates);
        if (match.Range.GetEarliest() is { } earliest)
            result = Expression.AndAlso(result, Compare(Expression.Call(StringConcat, date, Padded(time, LatestTime)),
                ExpressionType.GreaterThanOrEqual, Parameter(FormatDateTime(earliest.DateTime))));
        if (match.Range.GetLatest() is { } latest)
            result = Expression.AndAlso(result, Compare(Expression.Call(StringConcat, date, Padded(time, EarliestTime)),
                ExpressionType.LessThanOrEqual, Parameter(FormatDateTime(latest.DateTime))));
        return result;
    }

    /// <summary><c>coalesce(t, '') || substr(template, length(coalesce(t, '')) + 1)</c>: the stored time widened to full precision.</summary>
    private static Expression Padded(Expression time, string template)
    {
        var text = Expression.Coalesce(time, Expression.Constant(""));
        return Expression.Call(StringConcat, text,
            Expression.Call(Expression.Constant(template), StringSubstring, Expression.Property(text, StringLength)));
    }

    private static Expression Compare(Expression left, ExpressionType comparison, Expression right) =>
        Expression.MakeBinary(comparison, Expression.Call(StringCompare, left, right), Expression.Constant(0));

    private static string FormatTime(TimeOnly time) => time.ToString("HHmmss.ffffff", CultureInfo.InvariantCulture);

    private static string FormatDateTime(DateTime instant) => instant.ToString("yyyyMMddHHmmss.ffffff", CultureInfo.InvariantCulture);

    /// <summary>A query value as a member of a closure object, which EF Core sends as a SQL parameter.</summary>
    private static MemberExpression Parameter<T>(T value) => Expression.Field(Expression.Constant(new Box<T>(value)), nameof(Box<T>.Value));

    private static Expression Replace(LambdaExpression lambda, Expression replacement) =>
        new ParameterReplacer(lambda.Parameters[0], replacement).Visit(lambda.Body);

    private sealed class Box<T>(T value)
    {
        public readonly T Value = value;
    }

    private sealed class ParameterReplacer(ParameterExpression parameter, Expression replacement) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == parameter ? replacement : node;
    }
}
