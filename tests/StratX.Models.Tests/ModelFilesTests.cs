namespace StratX.Models.Tests;

/// <summary>Versioned model folders and their metadata.</summary>
public sealed class ModelFilesTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"stratx-models-{Guid.NewGuid():N}");

    [Fact]
    public void Versions_count_up_and_the_latest_complete_one_is_found()
    {
        Assert.Null(ModelFiles.Latest(_root, "next-lap"));
        var (first, firstFolder) = ModelFiles.NextVersion(_root, "next-lap");
        Write(firstFolder, first);
        var (second, secondFolder) = ModelFiles.NextVersion(_root, "next-lap");
        Write(secondFolder, second);
        var (third, thirdFolder) = ModelFiles.NextVersion(_root, "next-lap");
        Directory.CreateDirectory(thirdFolder);
        File.WriteAllText(Path.Combine(thirdFolder, ModelFiles.ModelFile), "half written");

        Assert.Equal((1, 2, 3), (first, second, third));
        Assert.Equal(secondFolder, ModelFiles.Latest(_root, "next-lap"));
        Assert.Equal(2, ModelFiles.ReadMetadata(secondFolder).Version);
    }

    [Fact]
    public void Unreadable_metadata_is_a_clear_error()
    {
        var (_, folder) = ModelFiles.NextVersion(_root, "next-lap");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, ModelFiles.MetadataFile), "{ \"task\": \"next-lap\", ");

        var error = Assert.Throws<InvalidDataException>(() => ModelFiles.ReadMetadata(folder));
        Assert.Contains("is not valid model metadata", error.Message);
    }

    [Fact]
    public void A_training_file_is_identified_by_its_content_hash()
    {
        Directory.CreateDirectory(_root);
        var path = Path.Combine(_root, "race_laps_2099.csv");
        File.WriteAllText(path, "abc");

        var file = TrainingFile.Of(path);

        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", file.Sha256);
        Assert.Equal(3, file.Bytes);
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private static void Write(string folder, int version)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, ModelFiles.ModelFile), "model");
        ModelFiles.WriteMetadata(folder, new ModelMetadata
        {
            Task = "next-lap",
            Version = version,
            Trainer = "test",
            TrainedAt = DateTimeOffset.UnixEpoch,
            TrainedOn = [],
            Seasons = [2021],
            Features = ["a"],
            Metrics = new Dictionary<string, double>(),
        });
    }
}
