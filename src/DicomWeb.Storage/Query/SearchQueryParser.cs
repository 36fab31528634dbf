using System.Globalization;
using DicomWeb.Dicom;
using DicomWeb.Storage.Ingest;

namespace DicomWeb.Storage.Query;

/// <summary>
/// Turns QIDO-RS query parameters (PS3.18 §8.3.4) into a <see cref="SearchQuery"/>: matching keys by keyword, tag or
/// dotted sequence path, <c>includefield</c>, <c>fuzzymatching</c>, <c>limit</c> and <c>offset</c>. Anything it cannot
/// run is a <see cref="SearchQueryException"/> whose message tells the client what to fix.
/// </summary>
public static class SearchQueryParser
{
    private static readonly char[] ListSeparators = ['\\', ','];
    private static readonly char[] NameWordSeparators = [' ', '^', '=', '-', ','];

    /// <summary>Parses a search.</summary>
    /// <param name="level">What the resource searches for.</param>
    /// <param name="studyInstanceUid">The study in the resource path, or null.</param>
    /// <param name="seriesInstanceUid">The series in the resource path, or null.</param>
    /// <param name="parameters">The query parameters in order; a repeated name appears once per value.</param>
    /// <param name="options">Limits.</param>
    /// <exception cref="SearchQueryException">A parameter is unknown, unsupported or malformed.</exception>
    public static SearchQuery Parse(QueryLevel level, string? studyInstanceUid, string? seriesInstanceUid,
        IEnumerable<KeyValuePair<string, string?>> parameters, SearchOptions options)
    {
        var conditions = new List<QueryCondition>();
        var includes = new List<DicomTag>();
        var includeAll = false;
        bool? fuzzy = null;
        int? limit = null;
        int? offset = null;
        var keys = new List<(DicomTag[] Path, QueryAttribute? Attribute, string Value, string Name)>();

        if (studyInstanceUid != null) conditions.Add(ScopeCondition(DicomTags.StudyInstanceUID, studyInstanceUid, level));
        if (seriesInstanceUid != null) conditions.Add(ScopeCondition(DicomTags.SeriesInstanceUID, seriesInstanceUid, level));

        foreach (var (name, rawValue) in parameters)
        {
            var value = (rawValue ?? "").Trim();
            switch (name)
            {
                case "includefield":
                    foreach (var field in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                    {
                        if (field.Equals("all", StringComparison.OrdinalIgnoreCase)) includeAll = true;
                        else if (QueryAttributes.TryParsePath(field, out var path, out var error)) includes.Add(path[0]);
                        else throw new SearchQueryException($"includefield: {error}");
                    }
                    continue;
                case "fuzzymatching":
                    if (fuzzy != null) throw new SearchQueryException("fuzzymatching is given more than once");
                    fuzzy = value.ToLowerInvariant() switch
                    {
                        "true" => true,
                        "false" => false,
                        _ => throw new SearchQueryException($"fuzzymatching must be true or false, not '{value}'"),
                    };
                    continue;
                case "limit":
                    if (limit != null) throw new SearchQueryException("limit is given more than once");
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsedLimit) || parsedLimit < 1)
                        throw new SearchQueryException($"limit must be a positive integer, not '{value}'");
                    limit = parsedLimit;
                    continue;
                case "offset":
                    if (offset != null) throw new SearchQueryException("offset is given more than once");
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsedOffset))
                        throw new SearchQueryException($"offset must be zero or a positive integer, not '{value}'");
                    offset = parsedOffset;
                    continue;
            }
            if (!QueryAttributes.TryParsePath(name, out var keyPath, out var keyError)) throw new SearchQueryException(keyError);
            var display = QueryAttributes.NameOf(keyPath);
            if (keys.Any(k => k.Path.SequenceEqual(keyPath))) throw new SearchQueryException($"{display} is given more than once");
            keys.Add((keyPath, QueryAttributes.Find(keyPath, level), value, display));
        }

        foreach (var (path, attribute, value, name) in keys)
        {
            // Every matching key is returned (PS3.18 §10.6.3.3.1); an empty one only asks for the attribute.
            includes.Add(path[0]);
            if (value.Length == 0 || value == "*") continue;
            if (attribute == null)
                throw new SearchQueryException($"{name} is not supported for matching: the index does not hold it (an empty value, or includefield, returns it)");
            if (!attribute.IsMatchable)
                throw new SearchQueryException($"{name} is not supported for matching: it is computed for the response");
            if (attribute.Match == MatchType.Time && PairedDate(keys, attribute) is { } date && date.Value.Length > 0 && date.Value != "*")
                continue; // matched together with its date below
            conditions.Add(new QueryCondition(attribute, ParseValue(attribute, name, value, fuzzy == true, keys)));
        }

        return new SearchQuery
        {
            Level = level,
            StudyInstanceUid = studyInstanceUid,
            SeriesInstanceUid = seriesInstanceUid,
            Conditions = conditions,
            IncludeAll = includeAll,
            IncludeFields = includes.Distinct().ToList(),
            FuzzyMatching = fuzzy == true,
            Limit = Math.Min(limit ?? options.MaxResults, options.MaxResults),
            LimitedByServer = limit == null || limit > options.MaxResults,
            Offset = offset ?? 0,
        };
    }

    private static QueryCondition ScopeCondition(DicomTag tag, string uid, QueryLevel level)
    {
        var attribute = QueryAttributes.Find(tag, level)!;
        if (!DicomUid.IsValid(uid)) throw new SearchQueryException($"'{uid}' in the resource path is not a valid {attribute.Name}");
        return new QueryCondition(attribute, new SingleValueMatch(uid));
    }

    private static (DicomTag[] Path, QueryAttribute? Attribute, string Value, string Name)? PairedDate(
        List<(DicomTag[] Path, QueryAttribute? Attribute, string Value, string Name)> keys, QueryAttribute time)
    {
        foreach (var key in keys)
            if (key.Attribute is { Match: MatchType.Date } date && QueryAttributes.PairedTime(date.Tag) == time.Tag) return key;
        return null;
    }

    private static Matcher ParseValue(QueryAttribute attribute, string name, string value, bool fuzzy,
        List<(DicomTag[] Path, QueryAttribute? Attribute, string Value, string Name)> keys)
    {
        switch (attribute.Match)
        {
            case MatchType.Uid:
            case MatchType.SopClassesInStudy:
            {
                var uids = value.Split(ListSeparators, StringSplitOptions.TrimEntries);
                foreach (var uid in uids)
                    if (!DicomUid.IsValid(uid)) throw new SearchQueryException($"{name}: '{uid}' is not a valid UID");
                return uids.Length == 1 ? new SingleValueMatch(uids[0]) : new ListMatch(uids);
            }
            case MatchType.Code:
            case MatchType.ModalitiesInStudy:
            {
                if (HasWildcard(value)) return new WildcardMatch(value);
                var codes = value.Split(ListSeparators, StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
                return codes.Length == 1 ? new SingleValueMatch(codes[0]) : new ListMatch(codes);
            }
            case MatchType.PersonName:
                if (fuzzy)
                {
                    var words = value.Split(NameWordSeparators, StringSplitOptions.RemoveEmptyEntries)
                        .Select(w => IndexAttributes.Fold(w)!)
                        .Where(w => w.Trim('*').Length > 0)
                        .ToList();
                    return words.Count == 0 ? new UniversalMatch() : new FuzzyNameMatch(words);
                }
                return HasWildcard(value) ? new WildcardMatch(value) : new SingleValueMatch(value);
            case MatchType.Text:
                return HasWildcard(value) ? new WildcardMatch(value) : new SingleValueMatch(value);
            case MatchType.Integer:
            {
                var parts = value.Split(ListSeparators, StringSplitOptions.TrimEntries);
                var numbers = new int[parts.Length];
                for (var i = 0; i < parts.Length; i++)
                    if (!int.TryParse(parts[i], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out numbers[i]))
                        throw new SearchQueryException($"{name}: '{parts[i]}' is not an integer");
                return new IntegerMatch(numbers);
            }
            case MatchType.Date:
            {
                if (!DicomDateRange.TryParse(value, out var dates))
                    throw new SearchQueryException($"{name}: '{value}' is not a date (YYYYMMDD) or date range (a-b, -b, a-)");
                if (QueryAttributes.PairedTime(attribute.Tag) is { } timeTag &&
                    keys.FirstOrDefault(k => k.Attribute?.Tag == timeTag && k.Path.Length == 1) is { Attribute: { } time } timeKey &&
                    timeKey.Value.Length > 0 && timeKey.Value != "*")
                {
                    if (!DicomTimeRange.TryParse(timeKey.Value, out var times))
                        throw new SearchQueryException($"{timeKey.Name}: '{timeKey.Value}' is not a time (HHMMSS.FFFFFF) or time range (a-b, -b, a-)");
                    return new DateTimeRangeMatch(time, dates, DicomDateTimeRange.Combine(dates, times));
                }
                return new DateRangeMatch(dates);
            }
            case MatchType.Time:
                if (!DicomTimeRange.TryParse(value, out var range))
                    throw new SearchQueryException($"{name}: '{value}' is not a time (HHMMSS.FFFFFF) or time range (a-b, -b, a-)");
                return new TimeRangeMatch(range);
            default:
                throw new SearchQueryException($"{name} is not supported for matching");
        }
    }

    private static bool HasWildcard(string value) => value.AsSpan().IndexOfAny('*', '?') >= 0;
}
