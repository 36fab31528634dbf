namespace DicomWeb.Dicom.Tests.Values;

public class DicomDateRangeTests
{
    [Fact]
    public void ParsesClosedRange()
    {
        var range = DicomDateRange.Parse("20010101-20010131");
        Assert.True(range.IsRange);
        Assert.Equal(DicomDate.Parse("20010101"), range.Start);
        Assert.Equal(DicomDate.Parse("20010131"), range.End);
        Assert.Equal(new DateTime(2001, 1, 1), range.Earliest);
        Assert.Equal(new DateTime(2001, 1, 31, 23, 59, 59, 999, 999), range.Latest);
        Assert.Equal("20010101-20010131", range.ToString());
    }

    [Fact]
    public void ParsesOpenStart()
    {
        var range = DicomDateRange.Parse("-20010131");
        Assert.Null(range.Start);
        Assert.Null(range.Earliest);
        Assert.True(range.Matches(DicomDate.Parse("18000101")));
        Assert.True(range.Matches(DicomDate.Parse("20010131")));
        Assert.False(range.Matches(DicomDate.Parse("20010201")));
        Assert.Equal("-20010131", range.ToString());
    }

    [Fact]
    public void ParsesOpenEnd()
    {
        var range = DicomDateRange.Parse("20010101-");
        Assert.Null(range.End);
        Assert.Null(range.Latest);
        Assert.False(range.Matches(DicomDate.Parse("20001231")));
        Assert.True(range.Matches(DicomDate.Parse("20010101")));
        Assert.True(range.Matches(DicomDate.Parse("99991231")));
        Assert.Equal("20010101-", range.ToString());
    }

    [Fact]
    public void ParsesSingleValue()
    {
        var range = DicomDateRange.Parse("20010105");
        Assert.False(range.IsRange);
        Assert.Equal(range.Start, range.End);
        Assert.True(range.Contains(new DateOnly(2001, 1, 5)));
        Assert.False(range.Contains(new DateOnly(2001, 1, 6)));
        Assert.Equal("20010105", range.ToString());
    }

    [Theory]
    [InlineData("20010105-20010105")]
    [InlineData("2001.01.01-2001.01.31")]
    [InlineData("20010101 - 20010131")]
    [InlineData(" 20010101-20010131 ")]
    public void AcceptsVariants(string text) => Assert.True(DicomDateRange.TryParse(text, out _));

    [Theory]
    [InlineData("")]
    [InlineData("-")]
    [InlineData(" - ")]
    [InlineData("20010131-20010101")] // start after end
    [InlineData("20010101--20010131")]
    [InlineData("20010101-20010131-")]
    [InlineData("2001-2002")] // DA has no partial dates
    [InlineData("20010101-2001013")]
    [InlineData("20011301-")]
    [InlineData("-20010132")]
    [InlineData("20010101/20010131")]
    [InlineData("20010101\\20010131")]
    public void RejectsMalformed(string text)
    {
        Assert.False(DicomDateRange.TryParse(text, out _));
        Assert.Throws<FormatException>(() => DicomDateRange.Parse(text));
    }

    [Fact]
    public void ConstructorValidates()
    {
        Assert.Throws<ArgumentException>(() => new DicomDateRange(null, null));
        Assert.Throws<ArgumentException>(() => new DicomDateRange(new DicomDate(2001, 2, 1), new DicomDate(2001, 1, 1)));
        Assert.Equal("-20010101", new DicomDateRange(null, new DicomDate(2001, 1, 1)).ToString());
    }
}

public class DicomTimeRangeTests
{
    [Fact]
    public void EndsCoverTheirPrecision()
    {
        var range = DicomTimeRange.Parse("10-11");
        Assert.Equal(new TimeOnly(10, 0), range.Earliest);
        Assert.Equal(new TimeOnly(11, 59, 59, 999, 999), range.Latest);
        Assert.True(range.Contains(new TimeOnly(11, 59, 59)));
        Assert.False(range.Contains(new TimeOnly(12, 0)));
        Assert.False(range.Contains(new TimeOnly(9, 59, 59, 999, 999)));
    }

    [Fact]
    public void OpenEnds()
    {
        var from = DicomTimeRange.Parse("1030-");
        Assert.Null(from.End);
        Assert.Equal(new TimeOnly(23, 59, 59, 999, 999), from.Latest);
        Assert.True(from.Matches(DicomTime.Parse("235959.999999")));
        Assert.False(from.Matches(DicomTime.Parse("102959")));

        var until = DicomTimeRange.Parse("-1030");
        Assert.Equal(TimeOnly.MinValue, until.Earliest);
        Assert.True(until.Matches(DicomTime.Parse("000000")));
        Assert.True(until.Matches(DicomTime.Parse("103059.999999")));
        Assert.False(until.Matches(DicomTime.Parse("1031")));
    }

    [Fact]
    public void MatchesOverlappingSpans()
    {
        var range = DicomTimeRange.Parse("103000-110000");
        Assert.True(range.Matches(DicomTime.Parse("10"))); // the hour 10 overlaps 10:30–11:00
        Assert.True(range.Matches(DicomTime.Parse("105959.5")));
        Assert.False(range.Matches(DicomTime.Parse("110001")));
    }

    [Fact]
    public void SingleValueAndRetiredForm()
    {
        var single = DicomTimeRange.Parse("1010");
        Assert.False(single.IsRange);
        Assert.True(single.Contains(new TimeOnly(10, 10, 30)));
        Assert.Equal("1010", single.ToString());
        Assert.Equal("101000-1200", DicomTimeRange.Parse("10:10:00-12:00").ToString());
    }

    [Theory]
    [InlineData("1030-1030")]
    [InlineData("1030-10")] // start 10:30 is before the end of hour 10
    [InlineData("000000-235959.999999")]
    public void AcceptsEdgeRanges(string text) => Assert.True(DicomTimeRange.TryParse(text, out _));

    [Theory]
    [InlineData("")]
    [InlineData("-")]
    [InlineData("1200-1000")]
    [InlineData("11-10")]
    [InlineData("2300-0100")] // no wrap past midnight
    [InlineData("10--11")]
    [InlineData("10-11-12")]
    [InlineData("021-10")]
    [InlineData("10-2400")]
    [InlineData("abc")]
    public void RejectsMalformed(string text)
    {
        Assert.False(DicomTimeRange.TryParse(text, out _));
        Assert.Throws<FormatException>(() => DicomTimeRange.Parse(text));
    }
}

public class DicomDateTimeRangeTests
{
    [Fact]
    public void YearsCoverWholeYears()
    {
        var range = DicomDateTimeRange.Parse("2001-2002");
        Assert.True(range.IsRange);
        Assert.Equal(new DateTimeOffset(2001, 1, 1, 0, 0, 0, TimeSpan.Zero), range.GetEarliest());
        Assert.Equal(new DateTimeOffset(new DateTime(2002, 12, 31, 23, 59, 59, 999, 999), TimeSpan.Zero), range.GetLatest());
        Assert.True(range.Matches(DicomDateTime.Parse("20021231235959.999999")));
        Assert.False(range.Matches(DicomDateTime.Parse("20030101")));
        Assert.False(range.Matches(DicomDateTime.Parse("20001231235959")));
    }

    [Fact]
    public void OpenEnds()
    {
        var from = DicomDateTimeRange.Parse("200101051030-");
        Assert.Null(from.End);
        Assert.Null(from.GetLatest());
        Assert.True(from.Matches(DicomDateTime.Parse("9999")));
        Assert.False(from.Matches(DicomDateTime.Parse("200101051029")));

        var until = DicomDateTimeRange.Parse("-200101051030");
        Assert.Null(until.Start);
        Assert.True(until.Matches(DicomDateTime.Parse("200101051030")));
        Assert.True(until.Matches(DicomDateTime.Parse("20010105103059.999999")));
        Assert.False(until.Matches(DicomDateTime.Parse("200101051031")));
    }

    [Fact]
    public void NegativeOffsetIsNotARangeSeparator()
    {
        var single = DicomDateTimeRange.Parse("20010105-0500");
        Assert.False(single.IsRange);
        Assert.Equal(TimeSpan.FromHours(-5), single.Start!.Value.Offset);
        Assert.Equal("20010105-0500", single.ToString());
    }

    [Theory]
    [InlineData("20010105-0500-20010106-0500", "20010105-0500", "20010106-0500")]
    [InlineData("20010105+0100-20010106-0500", "20010105+0100", "20010106-0500")]
    [InlineData("20010105-0500-20010106", "20010105-0500", "20010106")]
    [InlineData("20010105-20010106-0500", "20010105", "20010106-0500")]
    [InlineData("2001-0500-", "2001-0500", null)]
    [InlineData("-2001-0500", null, "2001-0500")]
    [InlineData("1000-1100", "1000", "1100")] // both readings valid: the range wins
    public void SplitsRangesWithOffsets(string text, string? start, string? end)
    {
        Assert.True(DicomDateTimeRange.TryParse(text, out var range));
        Assert.True(range.IsRange);
        Assert.Equal(start, range.Start?.ToString());
        Assert.Equal(end, range.End?.ToString());
    }

    [Fact]
    public void OffsetsAreHonouredWhenMatching()
    {
        // 2001-01-05 in Japan is 2001-01-04T15:00Z to 2001-01-05T14:59:59.999999Z.
        var range = DicomDateTimeRange.Parse("20010105+0900");
        Assert.True(range.Matches(DicomDateTime.Parse("200101041600+0000")));
        Assert.False(range.Matches(DicomDateTime.Parse("200101051600+0000")));
        Assert.True(range.Contains(new DateTimeOffset(2001, 1, 5, 14, 59, 0, TimeSpan.Zero)));
        Assert.False(range.Contains(new DateTimeOffset(2001, 1, 5, 15, 0, 0, TimeSpan.Zero)));

        // Values without an offset use the default one.
        var local = DicomDateTime.Parse("200101052330");
        Assert.False(range.Matches(local));
        Assert.True(range.Matches(local, TimeSpan.FromHours(9)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("-")]
    [InlineData("2002-2001")]
    [InlineData("20010106-20010105")]
    [InlineData("200101051031-200101051030")]
    [InlineData("2001--2002")]
    [InlineData("2001-2002-2003")]
    [InlineData("20011-2002")]
    [InlineData("2001-20021")]
    [InlineData("2001-0500x")]
    [InlineData("1000-1100-1200")] // ambiguous: [1000, 1100-1200] or [1000-1100, 1200]
    public void RejectsMalformed(string text)
    {
        Assert.False(DicomDateTimeRange.TryParse(text, out _));
        Assert.Throws<FormatException>(() => DicomDateTimeRange.Parse(text));
    }

    [Fact]
    public void ReversedAcrossOffsets()
    {
        // 2001-01-05T10:00+0000 is 10:00Z, after 2001-01-05T12:00+0900 = 03:00Z.
        Assert.False(DicomDateTimeRange.TryParse("200101051000+0000-200101051200+0900", out _));
        Assert.True(DicomDateTimeRange.TryParse("200101051000+0900-200101051200+0000", out _));
        // An end without an offset is read in the other end's zone.
        Assert.True(DicomDateTimeRange.TryParse("200101051000+0900-200101051100", out _));
        Assert.False(DicomDateTimeRange.TryParse("200101051100+0900-200101051000", out _));
    }

    [Fact]
    public void ConstructorValidates()
    {
        Assert.Throws<ArgumentException>(() => new DicomDateTimeRange(null, null));
        Assert.Throws<ArgumentException>(() => new DicomDateTimeRange(DicomDateTime.Parse("2002"), DicomDateTime.Parse("2001")));
    }
}

public class CombinedDateTimeRangeTests
{
    private static DicomDateTimeRange Combine(string date, string? time) =>
        DicomDateTimeRange.TryCombine(date, time, out var range) ? range : throw new FormatException();

    [Fact]
    public void DateRangeWithTimeRangeRunsFromDate1Time1ToDate2Time2()
    {
        // PS3.4 C.2.2.2.5.1: the time range is not applied per day but across the whole period.
        var range = Combine("20060705-20060707", "1000-1800");
        Assert.Equal("200607051000-200607071800", range.ToString());
        Assert.True(range.Matches(DicomDate.Parse("20060706"), DicomTime.Parse("0300")));
        Assert.True(range.Matches(DicomDate.Parse("20060705"), DicomTime.Parse("1000")));
        Assert.False(range.Matches(DicomDate.Parse("20060705"), DicomTime.Parse("0959")));
        Assert.True(range.Matches(DicomDate.Parse("20060707"), DicomTime.Parse("180059.999999"))); // "1800" covers its minute
        Assert.False(range.Matches(DicomDate.Parse("20060707"), DicomTime.Parse("1801")));
    }

    [Fact]
    public void OpenEndedCombinations()
    {
        var from = Combine("20060705-", "1000-");
        Assert.True(from.Matches(DicomDate.Parse("20060705"), DicomTime.Parse("1000")));
        Assert.False(from.Matches(DicomDate.Parse("20060705"), DicomTime.Parse("0959")));
        Assert.True(from.Matches(DicomDate.Parse("20990101"), DicomTime.Parse("0000")));

        var until = Combine("-20060705", "-1000");
        Assert.True(until.Matches(DicomDate.Parse("19000101"), DicomTime.Parse("2300")));
        Assert.True(until.Matches(DicomDate.Parse("20060705"), DicomTime.Parse("1000")));
        Assert.False(until.Matches(DicomDate.Parse("20060705"), DicomTime.Parse("1100")));
    }

    [Fact]
    public void SingleDateWithTimeRange()
    {
        var range = Combine("20060705", "1000-1200");
        Assert.True(range.IsRange);
        Assert.True(range.Matches(DicomDate.Parse("20060705"), DicomTime.Parse("1130")));
        Assert.False(range.Matches(DicomDate.Parse("20060705"), DicomTime.Parse("1300")));
        Assert.False(range.Matches(DicomDate.Parse("20060706"), DicomTime.Parse("1100")));
    }

    [Fact]
    public void MissingOrOpenTimesCoverWholeDays()
    {
        var noTime = Combine("20060705-20060707", null);
        Assert.True(noTime.Matches(DicomDate.Parse("20060707"), DicomTime.Parse("235959")));
        Assert.True(noTime.Matches(DicomDate.Parse("20060705"), DicomTime.Parse("000000")));
        Assert.False(noTime.Matches(DicomDate.Parse("20060708"), DicomTime.Parse("000000")));

        var openTime = Combine("20060705-20060707", "1000-");
        Assert.False(openTime.Matches(DicomDate.Parse("20060705"), DicomTime.Parse("0900")));
        Assert.True(openTime.Matches(DicomDate.Parse("20060707"), DicomTime.Parse("2300")));
    }

    [Fact]
    public void SingleDateAndTimeIsASingleValue()
    {
        var range = Combine("20060705", "10");
        Assert.False(range.IsRange);
        Assert.Equal("2006070510", range.ToString());
        Assert.True(range.Matches(DicomDate.Parse("20060705"), DicomTime.Parse("1059")));
        Assert.False(range.Matches(DicomDate.Parse("20060705"), DicomTime.Parse("1100")));
    }

    [Fact]
    public void StoredDateWithoutTimeMatchesWhenTheDayOverlaps()
    {
        var range = Combine("20060705", "1000-1200");
        Assert.True(range.Matches(DicomDate.Parse("20060705"), null));
    }

    [Theory]
    [InlineData("2006070-", "1000")]
    [InlineData("20060705", "1200-1000")]
    [InlineData("-", "1000")]
    [InlineData("20060705", "25")]
    public void RejectsMalformedParts(string date, string time) => Assert.False(DicomDateTimeRange.TryCombine(date, time, out _));
}
