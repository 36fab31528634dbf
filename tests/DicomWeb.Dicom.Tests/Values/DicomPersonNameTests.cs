namespace DicomWeb.Dicom.Tests.Values;

public class DicomPersonNameTests
{
    [Fact]
    public void ParsesAllFiveComponents()
    {
        // PS3.5 §6.2.1.1 example: Rev. John Robert Quincy Adams, B.A. M.Div.
        var name = DicomPersonName.Parse("Adams^John Robert Quincy^^Rev.^B.A. M.Div.");
        Assert.Equal("Adams", name.Alphabetic.FamilyName);
        Assert.Equal("John Robert Quincy", name.Alphabetic.GivenName);
        Assert.Equal("", name.Alphabetic.MiddleName);
        Assert.Equal("Rev.", name.Alphabetic.NamePrefix);
        Assert.Equal("B.A. M.Div.", name.Alphabetic.NameSuffix);
        Assert.True(name.Ideographic.IsEmpty);
        Assert.True(name.Phonetic.IsEmpty);
        Assert.Equal("Adams^John Robert Quincy^^Rev.^B.A. M.Div.", name.ToString());
        Assert.Equal("Rev. John Robert Quincy Adams, B.A. M.Div.", name.DisplayName);
    }

    [Theory]
    [InlineData("Morrison-Jones^Susan^^^Ph.D., Chief Executive Officer", "Morrison-Jones", "Susan", "Susan Morrison-Jones, Ph.D., Chief Executive Officer")]
    [InlineData("Doe^John^A^^Jr.", "Doe", "John", "John A Doe, Jr.")]
    [InlineData("ANONYMOUS", "ANONYMOUS", "", "ANONYMOUS")]
    [InlineData("^Fluffy", "", "Fluffy", "Fluffy")]
    [InlineData("Smith^Fluffy", "Smith", "Fluffy", "Fluffy Smith")]
    public void ParsesAlphabeticExamples(string text, string family, string given, string display)
    {
        var name = DicomPersonName.Parse(text);
        Assert.Equal(family, name.FamilyName);
        Assert.Equal(given, name.GivenName);
        Assert.Equal(display, name.DisplayName);
        Assert.Equal(text, name.ToString());
    }

    [Fact]
    public void ParsesJapaneseThreeGroups()
    {
        // PS3.5 Annex H example.
        var name = DicomPersonName.Parse("Yamada^Tarou=山田^太郎=やまだ^たろう");
        Assert.Equal(new DicomPersonNameGroup("Yamada", "Tarou"), name.Alphabetic);
        Assert.Equal(new DicomPersonNameGroup("山田", "太郎"), name.Ideographic);
        Assert.Equal(new DicomPersonNameGroup("やまだ", "たろう"), name.Phonetic);
        Assert.Equal("Yamada^Tarou=山田^太郎=やまだ^たろう", name.ToString());
        Assert.Equal("Tarou Yamada", name.DisplayName);
        Assert.Equal("山田 太郎", name.Ideographic.ToDisplayString(familyNameFirst: true));
    }

    [Fact]
    public void ParsesKoreanThreeGroups()
    {
        // PS3.5 Annex I example.
        var name = DicomPersonName.Parse("Hong^Gildong=洪^吉洞=홍^길동");
        Assert.Equal("Hong", name.Alphabetic.FamilyName);
        Assert.Equal("吉洞", name.Ideographic.GivenName);
        Assert.Equal("홍", name.Phonetic.FamilyName);
        Assert.Equal("길동", name.Phonetic.GivenName);
    }

    [Fact]
    public void ParsesChineseWithEmptyPhoneticAndTrimsIt()
    {
        // PS3.5 Annex J example: trailing empty phonetic group.
        var name = DicomPersonName.Parse("Wang^XiaoDong=王^小東=");
        Assert.Equal("Wang", name.Alphabetic.FamilyName);
        Assert.Equal("XiaoDong", name.Alphabetic.GivenName);
        Assert.Equal("王", name.Ideographic.FamilyName);
        Assert.Equal("小東", name.Ideographic.GivenName);
        Assert.True(name.Phonetic.IsEmpty);
        Assert.Equal("Wang^XiaoDong=王^小東", name.ToString());
    }

    [Fact]
    public void IdeographicOnlyDisplaysFamilyFirst()
    {
        var name = DicomPersonName.Parse("=山田^太郎");
        Assert.True(name.Alphabetic.IsEmpty);
        Assert.Equal("山田 太郎", name.DisplayName);
        Assert.Equal("=山田^太郎", name.ToString());

        var phonetic = DicomPersonName.Parse("==やまだ^たろう");
        Assert.Equal("やまだ たろう", phonetic.DisplayName);
        Assert.Equal("==やまだ^たろう", phonetic.ToString());
    }

    [Theory]
    [InlineData("Adams^John^^^", "Adams^John")]
    [InlineData("Adams^John^^^=", "Adams^John")]
    [InlineData("Adams^John==", "Adams^John")]
    [InlineData("Adams^^^^Jr.", "Adams^^^^Jr.")]
    [InlineData("=^=", "")]
    [InlineData("^^^^", "")]
    [InlineData("Adams ^ John ", "Adams^John")]
    [InlineData("Adams^John ", "Adams^John")]
    [InlineData("Adams^John=^", "Adams^John")]
    public void CanonicalFormTrimsTrailingEmptyComponentsAndGroups(string text, string canonical)
    {
        Assert.Equal(canonical, DicomPersonName.Parse(text).ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("^")]
    [InlineData("==")]
    public void EmptyValuesParseAsEmpty(string text)
    {
        Assert.True(DicomPersonName.TryParse(text, out var name));
        Assert.True(name.IsEmpty);
        Assert.Equal("", name.ToString());
        Assert.Equal("", name.DisplayName);
    }

    [Theory]
    [InlineData("A^B^C^D^E^F")] // six components
    [InlineData("A=B=C=D")] // four groups
    [InlineData("Adams^John===")]
    [InlineData("Adams^John\\Smith^Jane")] // two values: split first
    [InlineData("a=b^c^d^e^f^g")]
    public void RejectsMalformed(string text)
    {
        Assert.False(DicomPersonName.TryParse(text, out _));
        Assert.Throws<FormatException>(() => DicomPersonName.Parse(text));
    }

    [Fact]
    public void BuildsFromGroups()
    {
        var name = new DicomPersonName(new DicomPersonNameGroup("Wang", "XiaoDong"), new DicomPersonNameGroup("王", "小東"));
        Assert.Equal("Wang^XiaoDong=王^小東", name.ToString());
        Assert.Equal(name, DicomPersonName.Parse("Wang^XiaoDong=王^小東="));
        Assert.True(name == DicomPersonName.Parse("Wang^XiaoDong=王^小東"));
        Assert.Equal("", default(DicomPersonNameGroup).FamilyName);
        Assert.Equal("", default(DicomPersonName).ToString());
    }

    [Fact]
    public void GroupParsingRejectsDelimiters()
    {
        Assert.False(DicomPersonNameGroup.TryParse("a=b", out _));
        Assert.True(DicomPersonNameGroup.TryParse("Adams^John^^Dr.", out var group));
        Assert.Equal("Dr. John Adams", group.ToDisplayString());
        Assert.Equal("Dr. Adams John", group.ToDisplayString(familyNameFirst: true));
    }
}
