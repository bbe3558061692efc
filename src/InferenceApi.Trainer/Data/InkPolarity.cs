namespace InferenceApi.Trainer.Data;

/// <summary>Which way round the ink is: dark digits on a light page (a paint program's default), or light on dark.</summary>
public enum InkPolarity
{
    DarkOnLight,
    LightOnDark,
}
